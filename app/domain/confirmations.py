"""A supporter says "I did it" (or "I couldn't this time", or "we've moved it"); the young person answers.

Who may confirm: a supporter named on the commitment, of an active plan, while the young person's
choices let that supporter see them. A confirmation can be undone for ``UNDO_MINUTES``; the young
person's "That didn't happen" is gentle: only the coordinator sees it, as a disputed occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.domain import audit, consent, occurrences, schedules
from app.domain.consent import Action
from app.models import (
    Account,
    Acknowledgement,
    Commitment,
    Confirmation,
    ConfirmationOutcome,
    NetworkMember,
    Occurrence,
    OccurrenceStatus,
    Plan,
    PlanStatus,
    YoungPerson,
    commitment_supporters,
)

UNDO_MINUTES = 5
NOTE_LENGTH = 500
STATUS_AFTER = {
    ConfirmationOutcome.DONE: OccurrenceStatus.KEPT,
    ConfirmationOutcome.COULD_NOT: OccurrenceStatus.COULD_NOT,
    ConfirmationOutcome.MOVED: OccurrenceStatus.MOVED,
}


class ConfirmationRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Promise:
    """An occurrence a supporter may confirm, and their place in the young person's network."""

    occurrence: Occurrence
    member: NetworkMember


def promise_for(session: Session, actor: Account, occurrence_public_id: str, on: date) -> Promise | None:
    """The occurrence if ``actor`` is one of its supporters and may see the young person now."""
    row = session.execute(
        select(Occurrence, NetworkMember)
        .join(Commitment, Occurrence.commitment_id == Commitment.id)
        .join(Plan, Commitment.plan_id == Plan.id)
        .join(YoungPerson, Plan.young_person_id == YoungPerson.id)
        .join(commitment_supporters, commitment_supporters.c.commitment_id == Commitment.id)
        .join(NetworkMember, NetworkMember.id == commitment_supporters.c.network_member_id)
        .where(
            Occurrence.public_id == occurrence_public_id,
            NetworkMember.account_id == actor.id,
            Plan.status == PlanStatus.ACTIVE,
            YoungPerson.closed_at.is_(None),  # a closed case is no longer anyone's promise
        )
        # Two phones confirming one occurrence at once: the second waits here, then sees it done
        # (PostgreSQL; SQLite's BEGIN IMMEDIATE already runs them one after the other).
        .with_for_update(of=Occurrence)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        return None
    occurrence, member = row
    state = consent.load_state(session, member.young_person)
    if not consent.may(state, Action.SUPPORTER_SEES_YOUNG_PERSON, on, member=member):
        return None
    return Promise(occurrence, member)


def confirm(
    session: Session,
    actor: Account,
    promise: Promise,
    outcome: ConfirmationOutcome,
    today: date,
    now: datetime,
    happened_on: date | None = None,
    moved_to: date | None = None,
    note: str | None = None,
) -> Confirmation:
    occurrence = promise.occurrence
    if not occurrences.open_to_confirm(occurrence, today):
        raise ConfirmationRefused("closed")
    if outcome is ConfirmationOutcome.DONE:
        happened_on = happened_on or today
        if happened_on > today:
            raise ConfirmationRefused("future")
        if happened_on < occurrence.window_starts_on - timedelta(days=31):
            raise ConfirmationRefused("too_early")
    else:
        happened_on = None
    if outcome is ConfirmationOutcome.MOVED and (
        moved_to is None
        or moved_to < today
        or moved_to == occurrence.due_on
        or moved_to > today + timedelta(days=366)
    ):
        raise ConfirmationRefused("moved_to_needed")
    confirmation = Confirmation(
        occurrence=occurrence,
        by_account=actor,
        outcome=outcome,
        happened_on=happened_on,
        moved_to=moved_to if outcome is ConfirmationOutcome.MOVED else None,
        note=(note or "").strip()[:NOTE_LENGTH] or None,
        created_at=now,
    )
    session.add(confirmation)
    occurrence.status = STATUS_AFTER[outcome]
    if outcome is ConfirmationOutcome.MOVED:
        _move(session, occurrence, moved_to)
    session.flush()
    audit.record(
        session,
        actor,
        f"confirmation.{outcome.value}",
        object_type="occurrence",
        object_public_id=occurrence.public_id,
        young_person_id=promise.member.young_person_id,
    )
    return confirmation


def _move(session: Session, occurrence: Occurrence, moved_to: date) -> None:
    """ "We've moved it to another day": the new day is due, with a window as long as the old one."""
    exists = session.scalar(
        select(Occurrence.id).where(
            Occurrence.commitment_id == occurrence.commitment_id, Occurrence.due_on == moved_to
        )
    )
    if exists is None:
        before = occurrence.due_on - occurrence.window_starts_on
        after = occurrence.window_ends_on - occurrence.due_on
        session.add(
            Occurrence(
                commitment_id=occurrence.commitment_id,
                due_on=moved_to,
                window_starts_on=moved_to - before,
                window_ends_on=moved_to + after,
            )
        )


def _unmove(session: Session, undone: Confirmation) -> None:
    """Undoing "we've moved it" takes away the day it was moved to, unless that day is due anyway, has
    been answered, or another move still points at it."""
    occurrence = undone.occurrence
    new_day = session.scalar(
        select(Occurrence).where(
            Occurrence.commitment_id == occurrence.commitment_id, Occurrence.due_on == undone.moved_to
        )
    )
    if new_day is None or new_day.status is not OccurrenceStatus.DUE or new_day.confirmations:
        return
    other_moves = session.scalar(
        select(func.count())
        .select_from(Confirmation)
        .join(Occurrence, Confirmation.occurrence_id == Occurrence.id)
        .where(
            Occurrence.commitment_id == occurrence.commitment_id,
            Confirmation.moved_to == undone.moved_to,
            Confirmation.undone_at.is_(None),
            Confirmation.id != undone.id,
        )
    )
    commitment = occurrence.commitment
    young_person = commitment.plan.young_person
    scheduled = schedules.occurrences(
        schedules.Schedule.from_commitment(commitment),
        undone.moved_to,
        undone.moved_to,
        born=young_person.date_of_birth,
        leap_birthday=young_person.leap_birthday,
    )
    if not other_moves and not scheduled:
        session.delete(new_day)


def latest(occurrence: Occurrence) -> Confirmation | None:
    """The confirmation that counts: the newest one not undone."""
    live = [c for c in occurrence.confirmations if c.undone_at is None]
    return live[-1] if live else None


def may_undo(confirmation: Confirmation, actor: Account, now: datetime) -> bool:
    return (
        confirmation.by_account_id == actor.id
        and confirmation.undone_at is None
        and now - confirmation.created_at <= timedelta(minutes=UNDO_MINUTES)
    )


def undo(session: Session, actor: Account, confirmation: Confirmation, today: date, now: datetime) -> None:
    if not may_undo(confirmation, actor, now):
        raise ConfirmationRefused("too_late")
    confirmation.undone_at = now
    occurrence = confirmation.occurrence
    occurrence.status = OccurrenceStatus.MISSED if occurrence.window_ends_on < today else OccurrenceStatus.DUE
    if confirmation.outcome is ConfirmationOutcome.MOVED:
        _unmove(session, confirmation)
    audit.record(
        session, actor, "confirmation.undone", object_type="occurrence", object_public_id=occurrence.public_id
    )


def own_confirmation(session: Session, young_person: YoungPerson, public_id: str) -> Confirmation | None:
    """A confirmation about this young person's plan, for them to answer."""
    return session.scalar(
        select(Confirmation)
        .join(Occurrence, Confirmation.occurrence_id == Occurrence.id)
        .join(Commitment, Occurrence.commitment_id == Commitment.id)
        .join(Plan, Commitment.plan_id == Plan.id)
        .where(Confirmation.public_id == public_id, Plan.young_person_id == young_person.id)
    )


def acknowledge(
    session: Session, young_person: YoungPerson, confirmation: Confirmation, happened: bool, now: datetime
) -> None:
    """ "Yes, that happened" or, gently, "That didn't happen" (only the coordinator sees that one)."""
    if confirmation.undone_at is not None or confirmation.outcome is not ConfirmationOutcome.DONE:
        raise ConfirmationRefused("nothing_to_answer")
    confirmation.acknowledgement = Acknowledgement.HAPPENED if happened else Acknowledgement.DID_NOT_HAPPEN
    confirmation.acknowledged_at = now
    audit.record(
        session,
        young_person.account,
        "confirmation.acknowledged",
        object_type="occurrence",
        object_public_id=confirmation.occurrence.public_id,
        young_person_id=young_person.id,
        detail={"happened": happened},
    )


def _unanswered(young_person: YoungPerson, since: date, *columns):
    return (
        select(*columns)
        .select_from(Confirmation)
        .join(Occurrence, Confirmation.occurrence_id == Occurrence.id)
        .join(Commitment, Occurrence.commitment_id == Commitment.id)
        .join(Plan, Commitment.plan_id == Plan.id)
        .where(
            Plan.young_person_id == young_person.id,
            Confirmation.outcome == ConfirmationOutcome.DONE,
            Confirmation.undone_at.is_(None),
            Confirmation.acknowledgement.is_(None),
            Occurrence.due_on >= since,
        )
    )


def count_to_answer(session: Session, young_person: YoungPerson, since: date) -> int:
    """How many are waiting for the young person's answer (one query, for their home page)."""
    return session.scalar(_unanswered(young_person, since, func.count(Confirmation.id))) or 0


def to_answer(session: Session, young_person: YoungPerson, since: date) -> list[Confirmation]:
    """Confirmations of the young person's plans that they have not answered yet, newest first."""
    return list(
        session.scalars(
            _unanswered(young_person, since, Confirmation)
            .options(
                selectinload(Confirmation.by_account),
                selectinload(Confirmation.occurrence)
                .selectinload(Occurrence.commitment)
                .selectinload(Commitment.supporters),
            )
            .order_by(Confirmation.created_at.desc())
        )
    )
