"""Consent wordings are versioned: the same version must always mean the same words, in every language.

A decision stores the key, version and fingerprint of the words the person was shown
(app/consent_wording.py). This test compares each wording's template text (placeholders unfilled), in
every language, with tests/unit/consent_wording.lock.json.

When the words of a wording change (in English or in a translation):

1. raise its version in app/consent_wording.py, then
2. update the lock file::

       python -m tests.unit.test_consent_wording

That command builds the catalogues from the .po files, adds new keys and versions, and refuses to change
the fingerprint of a version already locked. Only for words nobody can have decided on yet (e.g. a
translation added before release) pass ``--force`` to accept new words under the same version.
"""

from __future__ import annotations

import hashlib
import json
import sys

import pytest

from app.config import LANGUAGES, ROOT
from app.consent_wording import WORDINGS, text_in

LOCK = ROOT / "tests" / "unit" / "consent_wording.lock.json"
REGENERATE = "python -m tests.unit.test_consent_wording"


def fingerprints(app) -> dict[str, dict]:
    """What the lock file should say for the wordings and catalogues as they are now."""
    with app.app_context():
        return {
            key: {
                "version": version,
                "sha256": {
                    language: hashlib.sha256(text_in(key, language).encode("utf-8")).hexdigest()
                    for language in LANGUAGES
                },
            }
            for key, (version, _text) in WORDINGS.items()
        }


def read_lock() -> dict[str, dict]:
    return json.loads(LOCK.read_text(encoding="utf-8"))


@pytest.fixture
def current(app) -> dict[str, dict]:
    return fingerprints(app)


def test_every_wording_is_in_the_lock_file(current):
    missing = sorted(set(current) - set(read_lock()))
    assert not missing, (
        f"wordings missing from {LOCK.name}: {', '.join(missing)}. Add them with: {REGENERATE}"
    )


@pytest.mark.parametrize("key", sorted(WORDINGS))
def test_the_words_of_a_version_never_change(current, key):
    locked = read_lock().get(key)
    if locked is None:
        pytest.fail(f"{key} is missing from {LOCK.name}: add it with: {REGENERATE}")
    now = current[key]
    if now["version"] != locked["version"]:
        pytest.fail(
            f"{key} is at version {now['version']} but {LOCK.name} locks version {locked['version']}: "
            f"update the lock file with: {REGENERATE}"
        )
    changed = sorted(
        language for language in LANGUAGES if now["sha256"][language] != locked["sha256"].get(language)
    )
    assert not changed, (
        f"the words of {key} changed ({', '.join(changed)}): raise its version in app/consent_wording.py "
        f"and update the lock file with: {REGENERATE}"
    )


def update_lock(current: dict[str, dict], locked: dict[str, dict], force: bool = False) -> list[str]:
    """Merge ``current`` into ``locked``; return the keys whose words changed under a locked version."""
    refused = [
        key
        for key, now in current.items()
        if key in locked
        and locked[key]["version"] == now["version"]
        and locked[key]["sha256"] != now["sha256"]
    ]
    if refused and not force:
        return refused
    locked.update(current)
    return []


def main(argv: list[str]) -> int:
    from app import create_app
    from app.i18n_build import compile_catalogues

    compile_catalogues()  # the .mo files must say what the .po files say now
    app = create_app(
        {"APP_ENV": "test", "TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"}
    )
    locked = read_lock() if LOCK.exists() else {}
    refused = update_lock(fingerprints(app), locked, force="--force" in argv)
    if refused:
        print(
            f"The words of {', '.join(refused)} changed but the version did not: raise the version in "
            "app/consent_wording.py, or pass --force if nobody can have decided on these words yet.",
            file=sys.stderr,
        )
        return 1
    LOCK.write_text(json.dumps(dict(sorted(locked.items())), indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {LOCK.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
