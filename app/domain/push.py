"""Web push: the browsers a supporter turned notifications on in, and sending to them.

A subscription is what ``PushManager.subscribe`` gives the browser: an endpoint at the browser
maker's push service and two keys. Messages are queued in the outbox (channel ``push``, one row per
subscription, ``to_address`` is the subscription's public id) with a dedupe key, so queueing twice
sends once and a young person's withdrawal cancels what has not gone yet.

Sending is like the mailer's: claim due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) in a short
transaction, talk to the push services with no transaction open, then record each result. A push
service that answers 404 or 410 has forgotten the subscription: it is deleted. Any other failure is
recorded on the subscription (``failed_at``) and the message is tried again after the outbox's
back-off. The payload is encrypted (aes128gcm) for the browser and signed with our VAPID key.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.domain import outbox
from app.models import (
    Account,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    PushSubscription,
    utcnow,
)

log = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 10  # per account: phones, tablets and computers; the oldest goes first
ENDPOINT_LENGTH = 2000
KEY_LENGTHS = {"p256dh": 200, "auth": 100}
TIME_TO_LIVE = 24 * 60 * 60  # seconds a push service keeps a message for a phone that is off
SEND_TIMEOUT = 10  # seconds, for connecting to a push service and for its answer
GONE = (404, 410)
REFUSED = (400, 403, 413)  # a bad request, a key mismatch, too big: trying again would not help


class BadSubscription(ValueError):
    """What the browser sent is not a push subscription we can use."""


def is_configured(config) -> bool:
    return bool(config.get("VAPID_PUBLIC_KEY") and config.get("VAPID_PRIVATE_KEY"))


def _allowed_endpoint(endpoint: str) -> bool:
    """A push service on the internet: HTTPS, a host name, never this machine or a private address.

    The server POSTs to this address, so it must not be a way to reach our own network.
    """
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True
    return False  # an IP address rather than a push service's name


def read_subscription(data) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from ``PushSubscription.toJSON()``; raises BadSubscription."""
    if not isinstance(data, dict):
        raise BadSubscription("not an object")
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        raise BadSubscription("endpoint and keys are needed")
    if len(endpoint) > ENDPOINT_LENGTH or not _allowed_endpoint(endpoint):
        raise BadSubscription("endpoint")
    values = []
    for name, longest in KEY_LENGTHS.items():
        value = keys.get(name)
        if not isinstance(value, str) or not value or len(value) > longest:
            raise BadSubscription(name)
        values.append(value)
    return endpoint, values[0], values[1]


def subscribe(session: Session, account: Account, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Keep this browser's subscription for ``account``. A browser has one subscription: if someone
    else subscribed it before (a shared tablet), it now belongs to whoever turned it on last."""
    found = session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if found is None:
        found = PushSubscription(account_id=account.id, endpoint=endpoint, p256dh=p256dh, auth=auth)
        session.add(found)
    else:
        found.account_id, found.p256dh, found.auth, found.failed_at = account.id, p256dh, auth, None
    session.flush()
    mine = list_for(session, account)
    for old in mine[: max(len(mine) - MAX_SUBSCRIPTIONS, 0)]:
        session.delete(old)
    session.flush()
    return found


def list_for(session: Session, account: Account) -> list[PushSubscription]:
    return list(
        session.scalars(
            select(PushSubscription)
            .where(PushSubscription.account_id == account.id)
            .order_by(PushSubscription.created_at, PushSubscription.id)
        )
    )


def unsubscribe(session: Session, account: Account, *, endpoint: str | None = None, public_id=None) -> bool:
    """Forget one of the account's subscriptions, by endpoint (this browser) or public id (a list)."""
    query = delete(PushSubscription).where(PushSubscription.account_id == account.id)
    if endpoint is not None:
        query = query.where(PushSubscription.endpoint == endpoint)
    elif public_id is not None:
        query = query.where(PushSubscription.public_id == public_id)
    else:
        return False
    return (session.execute(query.execution_options(synchronize_session=False)).rowcount or 0) > 0


def queue_push(
    session: Session,
    subscription: PushSubscription,
    title: str,
    body: str,
    url: str,
    *,
    young_person_id: int | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Add a push message to the outbox. ``young_person_id`` ties it to their consent, as for e-mail."""
    message = OutboxMessage(
        next_attempt_at=now or utcnow(),
        channel=OutboxChannel.PUSH,
        to_address=subscription.public_id,
        to_account_id=subscription.account_id,
        subject=title[:300],
        body_text=json.dumps({"title": title, "body": body, "url": url}, ensure_ascii=False),
        young_person_id=young_person_id,
        dedupe_key=dedupe_key,
    )
    session.add(message)
    session.flush()
    return message


# Sending


@dataclass(frozen=True)
class ClaimedPush:
    """What sending needs, copied out of the rows (``id`` and ``attempts``, as ``outbox.mark_failed``
    wants them), so no database access happens while sending."""

    id: int
    public_id: str
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    payload: str
    attempts: int


def claim(session: Session, now: datetime, limit: int = 50) -> list[ClaimedPush]:
    """Take due push messages for sending, as ``outbox.claim`` does for e-mail. The caller commits."""
    messages = outbox.due_messages(session, now, limit, channel=OutboxChannel.PUSH)
    subscriptions = {
        s.public_id: s
        for s in session.scalars(
            select(PushSubscription).where(PushSubscription.public_id.in_({m.to_address for m in messages}))
        )
    }
    claimed, allowed = [], {}
    for message in messages:
        subscription = subscriptions.get(message.to_address)
        stopped = message.young_person_id is not None and not outbox.may_send(
            session, message, now.date(), allowed
        )
        if subscription is None or subscription.account_id != message.to_account_id or stopped:
            # Withdrawn, or the browser's notifications were turned off: this one never goes.
            message.status = OutboxStatus.CANCELLED
            continue
        message.attempts += 1
        message.next_attempt_at = now + outbox.CLAIM_LEASE
        claimed.append(
            ClaimedPush(
                id=message.id,
                public_id=message.public_id,
                subscription_id=subscription.id,
                endpoint=subscription.endpoint,
                p256dh=subscription.p256dh,
                auth=subscription.auth,
                payload=message.body_text,
                attempts=message.attempts,
            )
        )
    session.flush()
    return claimed


def _vapid_claims(config) -> dict:
    return {"sub": config.get("VAPID_SUBJECT") or "mailto:" + _address(config.get("MAIL_FROM", ""))}


def _address(mail_from: str) -> str:
    from email.utils import parseaddr

    return parseaddr(mail_from)[1] or "no-reply@localhost"


def _send_one(config, item: ClaimedPush) -> None:
    """Encrypt and POST one message; raises ``WebPushException`` (or a network error) if it fails."""
    from pywebpush import webpush

    webpush(
        {"endpoint": item.endpoint, "keys": {"p256dh": item.p256dh, "auth": item.auth}},
        data=item.payload,
        vapid_private_key=config["VAPID_PRIVATE_KEY"],
        vapid_claims=_vapid_claims(config),
        ttl=TIME_TO_LIVE,
        timeout=SEND_TIMEOUT,
        headers={"Urgency": "normal"},
    )


def _describe(error: BaseException) -> tuple[int | None, str]:
    status = getattr(error, "status_code", None)
    if status is None and getattr(error, "response", None) is not None:
        status = getattr(error.response, "status_code", None)
    text = f"{type(error).__name__}: {status}" if status else f"{type(error).__name__}: {error}"
    return status, " ".join(text.split())[:200]


def send_pending(app: Flask, now: datetime | None = None, limit: int = 50) -> int:
    """Send up to ``limit`` due push messages. Returns how many the push services accepted."""
    if not is_configured(app.config):
        return 0
    from pywebpush import WebPushException
    from requests import RequestException

    engine = app.extensions["db"]
    with Session(bind=engine, expire_on_commit=False) as session, session.begin():
        claimed = claim(session, now or utcnow(), limit)
    sent = 0
    for item in claimed:
        try:
            _send_one(app.config, item)
        except (WebPushException, RequestException, ValueError, TypeError) as error:
            status, reason = _describe(error)
            _record_failure(engine, item, now or utcnow(), status, reason)
            continue
        with Session(bind=engine) as session, session.begin():
            outbox.mark_sent(session, item.id, now or utcnow())
            session.execute(
                update(PushSubscription)
                .where(PushSubscription.id == item.subscription_id)
                .values(failed_at=None)
                .execution_options(synchronize_session=False)
            )
        sent += 1
    return sent


def _record_failure(engine, item: ClaimedPush, now: datetime, status: int | None, reason: str) -> None:
    with Session(bind=engine) as session, session.begin():
        if status in GONE:
            # The push service forgot this browser (notifications turned off, app removed): so do we.
            session.execute(
                delete(PushSubscription)
                .where(PushSubscription.id == item.subscription_id)
                .execution_options(synchronize_session=False)
            )
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == item.id)
                .values(status=OutboxStatus.CANCELLED, last_error=reason)
                .execution_options(synchronize_session=False)
            )
            log.info("push subscription gone (%s); removed it", status)
            return
        session.execute(
            update(PushSubscription)
            .where(PushSubscription.id == item.subscription_id)
            .values(failed_at=now)
            .execution_options(synchronize_session=False)
        )
        result = outbox.mark_failed(session, item, now, reason, give_up=status in REFUSED)
    log.warning("push %s not sent (attempt %d, %s): %s", item.public_id, item.attempts, result.value, reason)
