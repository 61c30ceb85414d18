"""URL helpers shared by every blueprint."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """Only ever send people on to a page of this site (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def absolute_url(endpoint: str, **values) -> str:
    """A link to give to a person (e-mail, QR code, terminal): built from BASE_URL, never the Host header."""
    from flask import current_app, url_for

    return current_app.config["BASE_URL"] + url_for(endpoint, **values)
