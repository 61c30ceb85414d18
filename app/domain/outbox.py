"""Queueing messages in the same transaction as the change that causes them. A worker sends them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain import consent
from app.models import Account, NetworkMember, OutboxChannel, OutboxMessage, OutboxStatus, YoungPerson


def queue_email(
    session: Session,
    to_address: str,
    subject: str,
    body_text: str,
    *,
    to_account: Account | None = None,
    young_person_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Add an e-mail to the outbox. ``young_person_id`` ties it to their consent: a withdrawal stops it."""
    message = OutboxMessage(
        channel=OutboxChannel.EMAIL,
        to_address=to_address,
        to_account_id=to_account.id if to_account else None,
        subject=subject,
        body_text=body_text,
        young_person_id=young_person_id,
        dedupe_key=dedupe_key,
    )
    session.add(message)
    session.flush()
    return message


# Sending. A worker claims due messages in one short transaction, commits, talks to the mail server
# with no transaction open, then records each result in a new short transaction.

CLAIM_LEASE = timedelta(minutes=10)  # a claimed message is left alone this long (then retried)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


@dataclass(frozen=True)
class ClaimedEmail:
    """What a sender needs, copied out of the row so no database access happens while sending."""

    id: int
    public_id: str
    to_address: str
    subject: str
    body_text: str
    body_html: str | None
    attempts: int


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd, 4th … failed attempt, at most six hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def due_messages(
    session: Session,
    now: datetime,
    limit: int = 50,
    *,
    message_id: int | None = None,
    channel: OutboxChannel = OutboxChannel.EMAIL,
) -> list[OutboxMessage]:
    """Pending messages of one channel whose time has come, oldest first, locked for this transaction.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so two workers never pick the same message. SQLite renders
    no lock clause; the transaction's ``BEGIN IMMEDIATE`` already keeps other writers out.
    """
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if message_id is not None:
        query = query.where(OutboxMessage.id == message_id)
    return list(session.scalars(query))


def may_send(session: Session, message: OutboxMessage, on: date, cache: dict) -> bool:
    """Ask the ledger: about this young person, and to this supporter if the recipient is one.
    ``cache`` keeps the answers for one batch (e-mail and push claims share this)."""
    key = (message.young_person_id, message.to_account_id)
    if key not in cache:
        young_person = session.get(YoungPerson, message.young_person_id)
        member = None
        if message.to_account_id is not None:
            member = session.scalar(
                select(NetworkMember).where(
                    NetworkMember.young_person_id == young_person.id,
                    NetworkMember.account_id == message.to_account_id,
                )
            )
        state = consent.load_state(session, young_person)
        cache[key] = consent.may(state, consent.Action.SEND_MESSAGES, on, member=member)
    return cache[key]


def claim(
    session: Session, now: datetime, limit: int = 50, *, message_id: int | None = None
) -> list[ClaimedEmail]:
    """Take due messages for sending: count the attempt and move them out of reach for ``CLAIM_LEASE``.

    If the sender dies before recording a result, the message comes due again when the lease ends.
    The caller commits before sending.
    """
    claimed = []
    allowed: dict[int, bool] = {}
    for message in due_messages(session, now, limit, message_id=message_id):
        if message.young_person_id is not None and not may_send(session, message, now.date(), allowed):
            # The young person withdrew: messages about them stop, and are not sent later either.
            message.status = OutboxStatus.CANCELLED
            continue
        message.attempts += 1
        message.next_attempt_at = now + CLAIM_LEASE
        claimed.append(
            ClaimedEmail(
                id=message.id,
                public_id=message.public_id,
                to_address=message.to_address,
                subject=message.subject,
                body_text=message.body_text,
                body_html=message.body_html,
                attempts=message.attempts,
            )
        )
    session.flush()
    return claimed


def mark_sent(session: Session, message_id: int, now: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENT, sent_at=now, last_error=None)
        .execution_options(synchronize_session=False)
    )


def mark_failed(
    session: Session, message: ClaimedEmail, now: datetime, error: str, *, give_up: bool = False
) -> OutboxStatus:
    """Record a failed attempt: try again after the back-off, or give up after ``MAX_ATTEMPTS``
    (or at once with ``give_up``, when the server refused the address for good)."""
    give_up = give_up or message.attempts >= MAX_ATTEMPTS
    status = OutboxStatus.FAILED if give_up else OutboxStatus.PENDING
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(
            status=status,
            next_attempt_at=now + retry_delay(message.attempts),
            last_error=error[:500],
        )
        .execution_options(synchronize_session=False)
    )
    return status
