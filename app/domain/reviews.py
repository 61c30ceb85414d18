"""Reviews of the plan and the network's size over time.

Lifelong Links measures success by how many people are in the young person's network and taking
part, so a snapshot is kept at referral (when triage accepts), at the conference (when the network
agrees the plan) and whenever a review is held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import audit, network, plans
from app.models import (
    Account,
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
    """For one commitment over a period: how many times it was due, kept, missed, and still open."""

    commitment_id: int
    due: int
    kept: int
    missed: int
    other: int  # could not this time, moved, or still open


def plan_record(session: Session, plan: Plan, since: date, until: date) -> dict[int, CommitmentRecord]:
    """What was due, kept and missed per commitment between two dates, in one query."""
    rows = session.execute(
        select(Occurrence.commitment_id, Occurrence.status, func.count())
        .where(
            Occurrence.commitment_id.in_([c.id for c in plan.commitments]),
            Occurrence.due_on >= since,
            Occurrence.due_on <= until,
        )
        .group_by(Occurrence.commitment_id, Occurrence.status)
    ).all()
    counts: dict[int, dict[OccurrenceStatus, int]] = {}
    for commitment_id, status, count in rows:
        counts.setdefault(commitment_id, {})[status] = count
    record = {}
    for commitment in plan.commitments:
        by_status = counts.get(commitment.id, {})
        kept = by_status.get(OccurrenceStatus.KEPT, 0)
        missed = by_status.get(OccurrenceStatus.MISSED, 0)
        due = sum(by_status.values())
        record[commitment.id] = CommitmentRecord(commitment.id, due, kept, missed, due - kept - missed)
    return record
