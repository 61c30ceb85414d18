"""Occurrences: each time a commitment of an active plan is due, stored so it can be confirmed.

``sync`` writes the occurrences of the next 12 months from the schedules (idempotent: the pair
commitment + due date is unique) and ``close_windows`` marks as missed those whose window has passed
with no confirmation. Both run from ``flask reminders send`` every day and when a plan starts.

An occurrence is *kept* when a supporter confirmed it and the young person did not say it didn't
happen; *missed* when its window passed with no confirmation; *disputed* is read from the young
person's answer, so a confirmation and its answer are never lost.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from app.domain import schedules
from app.models import Commitment, Occurrence, OccurrenceStatus, Plan, PlanStatus, YoungPerson

HORIZON = timedelta(days=366)
LOOK_BACK = timedelta(days=31)  # a plan started late still shows this month's due dates


def sync(session: Session, plan: Plan, today: date) -> int:
    """Add the plan's missing occurrences from a month ago to a year ahead. Returns how many were added."""
    if plan.status is not PlanStatus.ACTIVE:
        return 0
    young_person: YoungPerson = plan.young_person
    start, end = today - LOOK_BACK, today + HORIZON
    existing = set(
        session.execute(
            select(Occurrence.commitment_id, Occurrence.due_on).where(
                Occurrence.commitment_id.in_([c.id for c in plan.commitments]),
                Occurrence.due_on >= start,
            )
        ).all()
    )
    added = 0
    for commitment in plan.commitments:
        for due in schedules.occurrences(
            schedules.Schedule.from_commitment(commitment),
            start,
            end,
            born=young_person.date_of_birth,
            leap_birthday=young_person.leap_birthday,
        ):
            if (commitment.id, due.due_on) in existing:
                continue
            session.add(
                Occurrence(
                    commitment=commitment,
                    due_on=due.due_on,
                    window_starts_on=due.window_starts_on,
                    window_ends_on=due.window_ends_on,
                )
            )
            added += 1
    session.flush()
    return added


def sync_all(session: Session, today_for) -> int:
    """Every active plan; ``today_for(young_person)`` gives the day where they live."""
    plans = session.scalars(
        select(Plan)
        .options(selectinload(Plan.commitments), selectinload(Plan.young_person))
        .where(Plan.status == PlanStatus.ACTIVE)
    )
    return sum(sync(session, plan, today_for(plan.young_person)) for plan in plans)


def close_windows(session: Session, today: date) -> int:
    """Occurrences still due whose window ended before ``today`` are missed."""
    result = session.execute(
        update(Occurrence)
        .where(Occurrence.status == OccurrenceStatus.DUE, Occurrence.window_ends_on < today)
        .values(status=OccurrenceStatus.MISSED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def for_commitments(
    session: Session, commitments: list[Commitment], start: date, end: date
) -> list[Occurrence]:
    """Occurrences due between two dates, with their confirmations, in one or two queries."""
    if not commitments:
        return []
    return list(
        session.scalars(
            select(Occurrence)
            .options(selectinload(Occurrence.confirmations))
            .where(
                Occurrence.commitment_id.in_([c.id for c in commitments]),
                Occurrence.due_on >= start,
                Occurrence.due_on <= end,
            )
            .order_by(Occurrence.due_on, Occurrence.id)
        )
    )


def open_to_confirm(occurrence: Occurrence, today: date) -> bool:
    """A supporter may say "I did it" from a week before it is due until its window closes."""
    return (
        occurrence.status in (OccurrenceStatus.DUE, OccurrenceStatus.MISSED)
        and occurrence.due_on - timedelta(days=7) <= today
        and today <= occurrence.window_ends_on + timedelta(days=14)  # late news is still good news
    )
