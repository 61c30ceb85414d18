"""Static files with content hashes in their URLs, so browsers may cache them for a year.

The same list of files is what the service worker precaches as the app shell.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app, url_for

# The app shell: everything a page needs to render without the network.
SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "js/offline-queue.js",
    "vendor/htmx.min.js",
    "icons/favicon.svg",
)


class MissingAsset(RuntimeError):
    pass


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def file_version(filename: str) -> str:
    versions: dict[str, str] = current_app.extensions.setdefault("asset_versions", {})
    if filename not in versions:
        path = Path(current_app.static_folder) / filename
        if not path.is_file():
            hint = (
                " (run `make setup`, which installs htmx from npm)" if filename.startswith("vendor/") else ""
            )
            raise MissingAsset(f"static file {filename} is missing{hint}")
        versions[filename] = _digest(path)
    return versions[filename]


def shell_urls() -> list[str]:
    return [url_for("static", filename=name) for name in SHELL_FILES]


def shell_version() -> str:
    joined = "".join(file_version(name) for name in SHELL_FILES)
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_static_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            values["v"] = file_version(values["filename"])
