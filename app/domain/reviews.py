"""Reviews of the plan and the network's size over time.

Lifelong Links measures success by how many people are in the young person's network and taking
part, so a snapshot is kept at referral (when triage accepts), at the conference (when the network
agrees the plan) and whenever a review is held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.domain import audit, network, plans
from app.models import (
    Account,
    Acknowledgement,
    Confirmation,
    ConfirmationOutcome,
    Occurrence,
    OccurrenceStatus,
    Plan,
    Review,
    ReviewKind,
    Role,
    SnapshotOccasion,
    YoungPerson,
)

REVIEWERS = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER, Role.IRO})


class ReviewRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _require_reviewer(actor: Account, young_person: YoungPerson) -> None:
    if actor.role not in REVIEWERS or actor.organisation_id != young_person.organisation_id:
        raise ReviewRefused("not_allowed")


def schedule_review(
    session: Session, actor: Account, young_person: YoungPerson, kind: ReviewKind, due_on: date
) -> Review:
    _require_reviewer(actor, young_person)
    review = Review(young_person=young_person, kind=kind, due_on=due_on)
    session.add(review)
    session.flush()
    audit.record(
        session,
        actor,
        "review.scheduled",
        object_type="review",
        object_public_id=review.public_id,
        young_person_id=young_person.id,
    )
    return review


def reviews_of(session: Session, young_person: YoungPerson) -> list[Review]:
    return list(
        session.scalars(
            select(Review).where(Review.young_person_id == young_person.id).order_by(Review.due_on, Review.id)
        )
    )


def hold_review(session: Session, actor: Account, review: Review, held_on: date, notes: str | None) -> None:
    """The review took place: keep its notes, the plan it looked at, and a snapshot of the network."""
    _require_reviewer(actor, review.young_person)
    if review.held_on is not None:
        raise ReviewRefused("already_held")
    active = next(
        (p for p in plans.plans_of(session, review.young_person) if p.status.value == "active"), None
    )
    review.held_on = held_on
    review.notes = (notes or "").strip() or None
    review.plan = active
    network.take_snapshot(session, review.young_person, SnapshotOccasion.REVIEW, held_on)
    audit.record(
        session,
        actor,
        "review.held",
        object_type="review",
        object_public_id=review.public_id,
        young_person_id=review.young_person_id,
    )


@dataclass(frozen=True)
class CommitmentRecord:
    """For one commitment over a period: how many times it was due, kept, missed, disputed, and other.

    *Kept*: a supporter confirmed it and the young person did not say it didn't happen. *Disputed*: the
    young person said it didn't happen. *Missed*: its window passed with no confirmation.
    """

    commitment_id: int
    due: int
    kept: int
    missed: int
    other: int  # could not this time, moved, or still open
    disputed: int = 0


@dataclass(frozen=True)
class Tally:
    due: int = 0
    kept: int = 0
    missed: int = 0
    disputed: int = 0

    @property
    def other(self) -> int:
        return self.due - self.kept - self.missed - self.disputed


def disputed_occurrence_ids():
    """Occurrences whose confirmation (not undone) the young person answered with "That didn't happen"."""
    return select(Confirmation.occurrence_id).where(
        Confirmation.outcome == ConfirmationOutcome.DONE,
        Confirmation.undone_at.is_(None),
        Confirmation.acknowledgement == Acknowledgement.DID_NOT_HAPPEN,
    )


def lapsed(today: date | None):
    """Missed: marked so, or still waiting for a confirmation after its window closed before ``today``."""
    if today is None:
        return Occurrence.status == OccurrenceStatus.MISSED
    return or_(
        Occurrence.status == OccurrenceStatus.MISSED,
        and_(Occurrence.status == OccurrenceStatus.DUE, Occurrence.window_ends_on < today),
    )


def tally(session: Session, key, query: Select, today: date | None = None) -> dict[object, Tally]:
    """Due, kept, missed and disputed occurrences grouped by ``key``, in one query.

    ``query`` is a ``select(...)`` from ``Occurrence`` with its joins and conditions; ``key`` is the
    column to group by (a commitment, a young person).
    """
    is_kept = Occurrence.status == OccurrenceStatus.KEPT
    is_disputed = and_(is_kept, Occurrence.id.in_(disputed_occurrence_ids()))
    rows = session.execute(
        query.with_only_columns(
            key,
            func.count(),
            func.sum(case((is_kept, 1), else_=0)),
            func.sum(case((is_disputed, 1), else_=0)),
            func.sum(case((lapsed(today), 1), else_=0)),
            maintain_column_froms=True,
        ).group_by(key)
    ).all()
    return {
        found: Tally(due, (kept or 0) - (disputed or 0), missed or 0, disputed or 0)
        for found, due, kept, disputed, missed in rows
    }


def plan_record(
    session: Session, plan: Plan, since: date, until: date, today: date | None = None
) -> dict[int, CommitmentRecord]:
    """What was due, kept, missed and disputed per commitment between two dates, in one query.

    With ``today``, an occurrence still waiting for a confirmation after its window closed counts as
    missed even before the daily job has marked it so.
    """
    counts = tally(
        session,
        Occurrence.commitment_id,
        select(Occurrence).where(
            Occurrence.commitment_id.in_([c.id for c in plan.commitments]),
            Occurrence.due_on >= since,
            Occurrence.due_on <= until,
        ),
        today,
    )
    record = {}
    for commitment in plan.commitments:
        found = counts.get(commitment.id, Tally())
        record[commitment.id] = CommitmentRecord(
            commitment.id, found.due, found.kept, found.missed, found.other, found.disputed
        )
    return record
