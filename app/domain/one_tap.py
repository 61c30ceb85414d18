"""The reminder e-mail's one-tap "I did it" link: it works without signing in, for one occurrence.

The token is signed with the app's secret (itsdangerous, its own salt) and names one occurrence, one
supporter and when it expires: the end of the occurrence's window, at midnight where the supporter is.
Nothing else is in it, and it cannot be changed to name another occurrence.

- Opening the link (GET, as mail scanners do) only reads: ``look_up`` says what it may do now.
- Its page's one button POSTs: ``use`` confirms the occurrence as done, as the supporter, and stores
  the token's SHA-256 hash as an ``IdempotencyKey`` row (endpoint ``one_tap``) in the same
  transaction. The UNIQUE key makes it single use, even for two taps at once on two workers.
- It stops working when it is used, when it expires, when the occurrence is no longer open to
  confirm (done in the app already, moved, too old), and when the supporter may no longer see the
  young person (a withdrawal ends it at once, as it ends the reminders).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import confirmations, occurrences, schedules
from app.domain.confirmations import Promise
from app.domain.tokens import hash_token
from app.models import (
    Account,
    Commitment,
    Confirmation,
    ConfirmationOutcome,
    IdempotencyKey,
    Occurrence,
    Plan,
    Role,
    YoungPerson,
)

SALT = "one-tap-i-did-it"
ENDPOINT = "one_tap"


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or schedules.DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(schedules.DEFAULT_TIMEZONE)


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def link_expires_at(occurrence: Occurrence, zone: str | None) -> datetime:
    """The end of the window's last day where the supporter is."""
    end = datetime.combine(occurrence.window_ends_on + timedelta(days=1), time(0), tzinfo=_zone(zone))
    return end.astimezone(UTC)


def token_for(secret: str, occurrence: Occurrence, account: Account, expires_at: datetime) -> str:
    return _serializer(secret).dumps([occurrence.public_id, account.public_id, int(expires_at.timestamp())])


def link(secret: str, occurrence: Occurrence, account: Account, zone: str | None) -> str:
    """The whole link for an e-mail (from BASE_URL, never a Host header). Needs a request context."""
    token = token_for(secret, occurrence, account, link_expires_at(occurrence, zone))
    return current_app.config["BASE_URL"] + url_for("one_tap.landing", token=token)


class LinkState(enum.Enum):
    LIVE = "live"
    GONE = "gone"  # used, too old, already done, or no longer allowed: a kind 410
    UNKNOWN = "unknown"  # not one of ours (or cut short by a mail program): 404


@dataclass(frozen=True)
class OneTap:
    state: LinkState
    promise: Promise | None = None
    account: Account | None = None
    today: date | None = None

    @property
    def name(self) -> str:
        return self.promise.member.young_person.chosen_name

    @property
    def commitment(self) -> Commitment:
        return self.promise.occurrence.commitment


def look_up(session: Session, secret: str, token: str, now: datetime) -> OneTap:
    """What the link may do now. Only reads: opening the link's page uses nothing up."""
    try:
        occurrence_id, account_id, expires = _serializer(secret).loads(token)
        expires_at = datetime.fromtimestamp(int(expires), UTC)
    except (BadSignature, ValueError, TypeError):
        return OneTap(LinkState.UNKNOWN)
    gone = OneTap(LinkState.GONE)
    if now >= expires_at:
        return gone
    used = session.scalar(select(IdempotencyKey.id).where(IdempotencyKey.key == hash_token(token)))
    account = session.scalar(select(Account).where(Account.public_id == account_id))
    if used is not None or account is None or not account.is_active or account.role is not Role.SUPPORTER:
        return gone
    row = session.execute(
        select(Occurrence, Commitment, YoungPerson)
        .join(Commitment, Occurrence.commitment_id == Commitment.id)
        .join(Plan, Commitment.plan_id == Plan.id)
        .join(YoungPerson, Plan.young_person_id == YoungPerson.id)
        .where(Occurrence.public_id == occurrence_id)
    ).first()
    if row is None:
        return gone
    occurrence, _commitment, young_person = row
    today = schedules.today_in(account.timezone or young_person.timezone, now)
    # Still one of their promises, and the young person still lets them see it (a withdrawal ends it).
    promise = confirmations.promise_for(session, account, occurrence_id, today)
    if promise is None or not occurrences.open_to_confirm(occurrence, today):
        return gone
    return OneTap(LinkState.LIVE, promise, account, today)


def use(session: Session, secret: str, token: str, now: datetime) -> tuple[OneTap, Confirmation | None]:
    """Confirm the link's occurrence as done, once. The caller commits."""
    found = look_up(session, secret, token, now)
    if found.state is not LinkState.LIVE:
        return found, None
    try:
        with session.begin_nested():
            # The token's hash, kept in the same transaction as the confirmation: it works once.
            session.add(
                IdempotencyKey(
                    key=hash_token(token),
                    account_id=found.account.id,
                    endpoint=ENDPOINT,
                    response_status=200,
                )
            )
            session.flush()
            confirmation = confirmations.confirm(
                session, found.account, found.promise, ConfirmationOutcome.DONE, found.today, now
            )
    except (IntegrityError, confirmations.ConfirmationRefused):
        return OneTap(LinkState.GONE), None  # another tap used it first, or it closed meanwhile
    return found, confirmation
