"""Build the translation catalogues (.po → .mo) so no one ever runs ``pybabel compile`` by hand.

``make setup`` and the test session both call this. A catalogue with an empty or fuzzy message, or
one that fails to compile, is an error: every string the app shows must exist in every language.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.config import LANGUAGES, ROOT

TRANSLATIONS = ROOT / "translations"


class CatalogueError(RuntimeError):
    pass


def catalogue_paths() -> dict[str, Path]:
    return {
        language: TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        for language in LANGUAGES
        if language != "en"
    }


def untranslated(po_path: Path) -> list[str]:
    """Message ids with no translation (or marked fuzzy) in this catalogue."""
    with po_path.open("rb") as handle:
        catalogue = read_po(handle)
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def compile_catalogues() -> list[Path]:
    written = []
    for language, po_path in catalogue_paths().items():
        if not po_path.is_file():
            raise CatalogueError(f"missing catalogue for {language}: {po_path}")
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=language)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compiled {path.relative_to(ROOT)}")
    sys.exit(0)
