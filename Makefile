# Two commands on a fresh machine: `make run` and `make test`. Everything else is a step they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
HTMX := app/static/vendor/htmx.min.js

.PHONY: run test setup setup-test catalogues translations lint bench clean

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) demo links
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup-test
	$(PY) -m pytest

setup: $(VENV)/.installed $(HTMX) catalogues

setup-test: setup $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# htmx comes from the npm registry (pinned in package-lock.json) and is served from our own origin.
$(HTMX): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to install htmx: on Debian 'sudo apt-get install npm', on macOS 'brew install node'"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $(HTMX))
	cp node_modules/htmx.org/dist/htmx.min.js $(HTMX)

catalogues: $(VENV)/.installed
	$(PY) -m app.i18n_build

# Re-extract every translatable string and merge it into the Welsh and Arabic catalogues.
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations

lint: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup-test
	$(PY) -m pytest tests/bench -p no:randomly -o addopts=""

clean:
	rm -rf $(VENV) node_modules $(dir $(HTMX)) instance
