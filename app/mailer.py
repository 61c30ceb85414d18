"""Sends the outbox's e-mails over SMTP.

Never inside a database transaction: claim due messages (short transaction, commit), talk to the mail
server with no transaction open, then record each result in its own short transaction. A failed attempt
comes back after 1, 2, 4 … minutes (at most six hours); after the eighth it is marked failed.

``SMTP_URL`` forms: ``smtp://host:port`` (plain), ``smtp+starttls://user:pass@host:587`` and
``smtps://user:pass@host:465``. ``MAIL_FROM`` is the sender.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import unquote, urlsplit

from flask import Flask
from sqlalchemy.orm import Session

from app.domain import outbox
from app.domain.outbox import ClaimedEmail
from app.models import utcnow

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
DEFAULT_TIMEOUT = 10  # seconds, for connecting and for each reply


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpSettings:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://host:port, smtp+starttls://… or smtps://…")
    return SmtpSettings(
        scheme=scheme,
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


class ConnectFailed(Exception):
    """The mail server could not be reached or refused us: every message in the batch would fail."""


class _Mailbox:
    """One SMTP connection, opened at the first message and reopened after an error."""

    def __init__(self, settings: SmtpSettings, helo_name: str | None, timeout: float):
        self.settings = settings
        self.helo_name = helo_name
        self.timeout = timeout
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        try:
            if settings.scheme == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.host,
                    settings.port,
                    local_hostname=self.helo_name,
                    timeout=self.timeout,
                    context=ssl.create_default_context(),
                )
            else:
                smtp = smtplib.SMTP(
                    settings.host, settings.port, local_hostname=self.helo_name, timeout=self.timeout
                )
            if settings.scheme == "smtp+starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
        except (OSError, smtplib.SMTPException) as error:
            raise ConnectFailed(describe(error, settings.password)) from error
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._connect()
        self.smtp.send_message(message)

    def drop(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def describe(error: BaseException, secret: str | None = None) -> str:
    """A short reason for ``last_error``: the kind of error and the server's words, never a secret."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "recipient refused " + ", ".join(str(code) for code, _ in error.recipients.values())
    elif isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else ""
        detail = f"{error.smtp_code} {reply}"
    else:
        detail = str(error)
    text = " ".join(f"{type(error).__name__}: {detail}".split())
    if secret:
        text = text.replace(secret, "***")
    return text[:200]


def _is_permanent(error: BaseException) -> bool:
    """The server said no for good (5xx for every recipient): trying again would not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    return isinstance(error, ValueError)  # the message itself cannot be built (a bad address)


def _build(app: Flask, item: ClaimedEmail, now: datetime) -> EmailMessage:
    sender = app.config["MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = item.to_address
    message["Subject"] = item.subject
    message["Date"] = format_datetime(now)
    # The same id on every attempt, so a mail system can recognise a message it already has.
    message["Message-ID"] = f"<{item.public_id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(item.body_text)
    if item.body_html:
        message.add_alternative(item.body_html, subtype="html")
    return message


def _send(app: Flask, now: datetime | None, limit: int, message_id: int | None = None) -> int:
    engine = app.extensions["db"]
    claimed_at = now or utcnow()
    with Session(bind=engine, expire_on_commit=False) as session, session.begin():
        claimed = outbox.claim(session, claimed_at, limit, message_id=message_id)
    if not claimed:
        return 0
    settings = parse_smtp_url(app.config["SMTP_URL"])
    helo_name = urlsplit(app.config.get("BASE_URL", "")).hostname
    mailbox = _Mailbox(settings, helo_name, app.config.get("SMTP_TIMEOUT", DEFAULT_TIMEOUT))
    sent = 0
    unreachable: str | None = None
    try:
        for item in claimed:
            error: BaseException | None = None
            reason = unreachable
            if reason is None:
                try:
                    mailbox.send(_build(app, item, now or utcnow()))
                except ConnectFailed as failure:
                    reason = unreachable = str(failure)
                except (OSError, smtplib.SMTPException, ValueError) as failure:
                    error, reason = failure, describe(failure, settings.password)
                    mailbox.drop()
            finished_at = now or utcnow()
            if reason is None:
                with Session(bind=engine) as session, session.begin():
                    outbox.mark_sent(session, item.id, finished_at)
                sent += 1
                continue
            permanent = error is not None and _is_permanent(error)
            status = _record_failure(engine, item, finished_at, reason, permanent)
            log.warning(
                "e-mail %s not sent (attempt %d, %s): %s", item.public_id, item.attempts, status, reason
            )
    finally:
        mailbox.drop()
    return sent


def _record_failure(engine, item: ClaimedEmail, now: datetime, reason: str, permanent: bool) -> str:
    with Session(bind=engine) as session, session.begin():
        status = outbox.mark_failed(session, item, now, reason, give_up=permanent)
    return status.value


def send_pending(app: Flask, now: datetime | None = None, limit: int = 50) -> int:
    """Send up to ``limit`` due e-mails. Returns how many the mail server accepted."""
    return _send(app, now, limit)


def deliver_now(app: Flask, message_id: int) -> bool:
    """Try to send one message straight away (after the view committed). Never raises: if it fails,
    the message stays in the outbox and ``flask outbox send`` tries again after the back-off."""
    try:
        return _send(app, None, 1, message_id=message_id) == 1
    except Exception:  # best effort: the outbox keeps the message whatever happened here
        log.exception("sending e-mail %s straight away failed; it stays queued", message_id)
        return False
