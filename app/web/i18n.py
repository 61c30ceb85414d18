"""Which language and time zone a page is shown in, and the template helpers that depend on them.

Order: the signed-in account's setting, then the language the person picked on this device, then the
browser's preference, then English.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import format_decimal, get_locale
from flask_login import current_user

from app.config import RTL_LANGUAGES, format_locale

LANGUAGE_COOKIE = "lang"


def supported() -> dict[str, str]:
    return current_app.config["LANGUAGES"]


def choose_language() -> str:
    """The page language as a plain code: "en", "cy" or "ar"."""
    languages = supported()
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(list(languages)) or "en"


def select_language() -> str:
    language = choose_language()
    return format_locale(language)


def select_timezone() -> str | None:
    if current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return None


def current_language() -> str:
    return str(get_locale() or "en").split("_")[0]


def text_direction(language: str | None = None) -> str:
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"


def init_app(app: Flask) -> None:
    @app.after_request
    def set_content_language(response):
        if response.mimetype == "text/html":
            response.headers["Content-Language"] = current_language()
        return response

    app.jinja_env.filters["numberformat"] = format_decimal

    @app.context_processor
    def language_context() -> dict:
        language = current_language()
        return {
            "current_language": language,
            "text_direction": text_direction(language),
            "languages": supported(),
        }
