"""Error pages in the reader's language that say what to do next and reveal nothing internal."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: (_l("Something went wrong with that request"), _l("Please go back and try again.")),
    403: (
        _l("This page is not for your account"),
        _l("If you think you should see it, ask your coordinator."),
    ),
    404: (_l("We can't find that page"), _l("The link may be old, or the page may have moved.")),
    405: (_l("Something went wrong with that request"), _l("Please go back and try again.")),
    410: (_l("This link has expired or has been used"), _l("Ask the person who sent it for a new one.")),
    413: (_l("That file is too big"), _l("Please choose a smaller file and try again.")),
    429: (
        _l("Please wait a moment"),
        _l("There have been a lot of tries. Wait a few minutes, then try again."),
    ),
    500: (
        _l("Sorry, something went wrong on our side"),
        _l("It's not your fault. Please try again in a few minutes."),
    ),
}
CSRF_MESSAGE = (
    _l("This page was open for a long time"),
    _l("For your safety we need you to try that again. Nothing you did was saved twice."),
)


def wants_json() -> bool:
    """Our scripts' fetch() calls ask for JSON; they show the message in the page themselves."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(code: int, title=None, message=None):
    default_title, default_message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if wants_json():
        return jsonify(error=f"{title or default_title}. {message or default_message}"), code
    return (
        render_template(
            "errors/error.html", code=code, title=title or default_title, message=message or default_message
        ),
        code,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(_error):
        return render_error(500)
