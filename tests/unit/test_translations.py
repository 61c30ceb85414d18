"""Every string exists in Welsh and Arabic, the catalogues compile, and formats follow the language."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_date, gettext

from app.config import ROOT
from app.i18n_build import catalogue_paths, compile_catalogues, untranslated

LANGUAGES = sorted(catalogue_paths())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    assert untranslated(catalogue_paths()[language]) == []


def _source_messages() -> set[str]:
    method_map = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogues_hold_every_string_in_the_code(language):
    """A string added to the code but not extracted (`make translations`) fails here."""
    with catalogue_paths()[language].open("rb") as handle:
        catalogue = read_po(handle)
    in_catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert _source_messages() - in_catalogue == set()


def test_catalogues_compile():
    written = compile_catalogues()
    assert sorted(p.parent.parent.name for p in written) == LANGUAGES
    assert all(p.stat().st_size > 0 for p in written)


def test_catalogues_build_from_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "app.i18n_build"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert "compiled translations/cy" in result.stdout


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    import re

    with catalogue_paths()[language].open("rb") as handle:
        catalogue = read_po(handle)
    pattern = re.compile(r"%\(\w+\)[sd]|%%")
    for message in catalogue:
        if not message.id or not isinstance(message.id, str):
            continue
        assert sorted(pattern.findall(message.id)) == sorted(pattern.findall(message.string)), message.id


def test_translations_are_used_at_run_time(app):
    with app.test_request_context():
        english = gettext("You're offline")
        with force_locale("cy"):
            welsh = gettext("You're offline")
        with force_locale("ar"):
            arabic = gettext("You're offline")
    assert len({english, welsh, arabic}) == 3


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en_GB", "14 March 2026"), ("cy", "14 Mawrth 2026"), ("ar", "مارس")],
)
def test_dates_are_written_in_the_readers_language(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert expected in format_date(date(2026, 3, 14), "long")


def test_number_filter_follows_the_language(app):
    with app.test_request_context(), force_locale("en_GB"):
        assert app.jinja_env.from_string("{{ 1234.5|numberformat }}").render() == "1,234.5"


def test_no_compiled_catalogue_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files", "translations"], capture_output=True, text=True, cwd=ROOT
    ).stdout
    assert ".mo" not in tracked
    assert Path(ROOT / "babel.cfg").is_file()
