"""No token, challenge or link value ever reaches a log line."""

import logging

from app.web.log_redaction import RedactSecrets, install, redact


def test_tokens_in_paths_are_redacted():
    assert (
        redact('"GET /invitation/abcDEF_123-x HTTP/1.1" 200') == '"GET /invitation/[redacted] HTTP/1.1" 200'
    )
    assert redact("POST /invitation/abc/finish") == "POST /invitation/[redacted]/finish"
    assert redact("GET /sign-in/link/tok3n?x=1") == "GET /sign-in/link/[redacted]?x=1"
    assert redact("GET /sign-in/email") == "GET /sign-in/email"


def test_werkzeug_and_gunicorn_records_are_cleaned(caplog):
    install()
    caplog.set_level(logging.INFO)
    logging.getLogger("werkzeug").info(
        '%s - - "%s" %s', "127.0.0.1", "GET /sign-in/link/SECRET123 HTTP/1.1", "200"
    )
    logging.getLogger("gunicorn.access").info("%(U)s %(s)s", {"U": "/invitation/SECRET456", "s": "200"})
    text = caplog.text
    assert "SECRET123" not in text and "SECRET456" not in text
    assert "/sign-in/link/[redacted]" in text and "/invitation/[redacted]" in text


def test_the_filter_is_installed_once(app):
    filters = [f for f in logging.getLogger("werkzeug").filters if isinstance(f, RedactSecrets)]
    assert len(filters) == 1
