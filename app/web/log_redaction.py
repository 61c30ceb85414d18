"""Keep secrets out of logs: request lines for invitation and sign-in links carry a token in the path.

The filter sits on the servers' request loggers (Werkzeug in development, gunicorn's access log in
production) and replaces the token with "[redacted]" before anything is written.
"""

from __future__ import annotations

import logging
import re

SECRET_PATHS = re.compile(r"(/(?:invitation|sign-in/link)/)[^/\s?\"']+")
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


def redact(value):
    if isinstance(value, str):
        return SECRET_PATHS.sub(r"\1[redacted]", value)
    return value


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: redact(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(redact(value) for value in record.args)
        return True


def install() -> None:
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
            logger.addFilter(RedactSecrets())
