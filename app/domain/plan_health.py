"""Plan health: whether the promises in a young person's plan are being kept, for the staff around them.

Over a period (the last three months, or since the last review), per commitment: how many times it was
due, *kept* (a supporter confirmed it and the young person did not say it didn't happen), *missed* (its
window passed with nobody confirming it) and *disputed* (the young person said it didn't happen). The
counting itself is ``reviews.tally``, shared with the review page.

Also here: the printable review report, and the lapses in each coordinator's quiet weekly digest.
Nothing here is ever shown to the young person, and nothing here blames anyone.
"""

from __future__ import annotations

import calendar
import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.domain import consent, network
from app.domain.consent import Action
from app.domain.reviews import CommitmentRecord, Tally, disputed_occurrence_ids, lapsed, plan_record, tally
from app.models import (
    Account,
    Commitment,
    CommitmentStatus,
    MemberKind,
    NetworkSnapshot,
    Occurrence,
    OccurrenceStatus,
    Organisation,
    Plan,
    PlanStatus,
    Review,
    Role,
    ScheduleKind,
    SnapshotOccasion,
    YoungPerson,
)

# Who reads plan health and the review report: the people who review the plan, and managers.
READERS = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER, Role.IRO, Role.MANAGER})
DEFAULT_MONTHS = 3
REPEATING = frozenset({ScheduleKind.EVERY_N_WEEKS, ScheduleKind.EVERY_N_MONTHS})
DIGEST_WEEK = timedelta(days=7)


def may_read(actor: Account) -> bool:
    return actor.role in READERS


class PeriodChoice(enum.StrEnum):
    LAST_3_MONTHS = "3m"
    SINCE_REVIEW = "review"


@dataclass(frozen=True)
class Period:
    since: date
    until: date
    choice: PeriodChoice
    # For "since the last review": the day it was held, or None when none has been held yet (then the
    # period starts when the plan was agreed).
    review_held_on: date | None = None


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier; a day the month does not have falls on its last day."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def plan_started(plan: Plan | None) -> date | None:
    return (plan.agreed_on or plan.conference_on) if plan else None


def period_for(
    session: Session, young_person: YoungPerson, plan: Plan | None, choice: PeriodChoice, today: date
) -> Period:
    """The last three months, or since the last review held (one query), up to today."""
    if choice is PeriodChoice.LAST_3_MONTHS:
        return Period(months_before(today, DEFAULT_MONTHS), today, choice)
    held = session.scalar(
        select(func.max(Review.held_on)).where(
            Review.young_person_id == young_person.id, Review.held_on <= today
        )
    )
    since = held or plan_started(plan) or months_before(today, DEFAULT_MONTHS)
    return Period(min(since, today), today, choice, held)


def _plan_with_commitments(session: Session, *where) -> Plan | None:
    """A plan with its commitments and their supporters, in one query."""
    return (
        session.scalars(
            select(Plan)
            .options(joinedload(Plan.commitments).joinedload(Commitment.supporters))
            .where(*where)
            .order_by(Plan.version.desc())
        )
        .unique()
        .first()
    )


def active_plan(session: Session, young_person: YoungPerson) -> Plan | None:
    return _plan_with_commitments(
        session, Plan.young_person_id == young_person.id, Plan.status == PlanStatus.ACTIVE
    )


@dataclass(frozen=True)
class FollowUp:
    """A missed or disputed occurrence, for staff to follow up gently with the supporter."""

    occurrence: Occurrence
    disputed: bool

    @property
    def commitment(self) -> Commitment:
        return self.occurrence.commitment


@dataclass
class Health:
    young_person: YoungPerson
    plan: Plan | None
    period: Period
    record: dict[int, CommitmentRecord] = field(default_factory=dict)
    follow_up: list[FollowUp] = field(default_factory=list)

    @property
    def totals(self) -> Tally:
        rows = self.record.values()
        return Tally(
            sum(r.due for r in rows),
            sum(r.kept for r in rows),
            sum(r.missed for r in rows),
            sum(r.disputed for r in rows),
        )


def follow_up(session: Session, plan: Plan, period: Period, today: date) -> list[FollowUp]:
    """Missed and disputed occurrences in the period, newest first, in one query."""
    if not plan.commitments:
        return []
    is_disputed = and_(
        Occurrence.status == OccurrenceStatus.KEPT, Occurrence.id.in_(disputed_occurrence_ids())
    )
    rows = session.execute(
        select(Occurrence, is_disputed)
        .where(
            Occurrence.commitment_id.in_([c.id for c in plan.commitments]),
            Occurrence.due_on >= period.since,
            Occurrence.due_on <= period.until,
            lapsed(today) | is_disputed,
        )
        .order_by(Occurrence.due_on.desc(), Occurrence.id.desc())
    ).all()
    # Each occurrence's commitment is already in the session: reading it costs no query.
    return [FollowUp(occurrence, bool(disputed)) for occurrence, disputed in rows]


def health_of(session: Session, young_person: YoungPerson, choice: PeriodChoice, today: date) -> Health:
    plan = active_plan(session, young_person)
    period = period_for(session, young_person, plan, choice, today)
    if plan is None:
        return Health(young_person, None, period)
    return Health(
        young_person,
        plan,
        period,
        plan_record(session, plan, period.since, period.until, today),
        follow_up(session, plan, period, today),
    )


@dataclass(frozen=True)
class OrganisationRow:
    young_person: YoungPerson
    tally: Tally


def organisation_health(
    session: Session, organisation_id: int, choice: PeriodChoice, today: date
) -> list[OrganisationRow]:
    """Each young person with an active plan and their totals, most missed first, in three queries.

    "Since the last review" is each young person's own last review (or when their plan was agreed).
    """
    young_people = list(
        session.scalars(
            select(YoungPerson)
            .join(Plan, Plan.young_person_id == YoungPerson.id)
            .options(selectinload(YoungPerson.coordinator))
            .where(
                YoungPerson.organisation_id == organisation_id,
                YoungPerson.closed_at.is_(None),
                Plan.status == PlanStatus.ACTIVE,
            )
            .distinct()
        )
    )
    three_months = months_before(today, DEFAULT_MONTHS)
    query = (
        select(Occurrence)
        .join(Commitment, Occurrence.commitment_id == Commitment.id)
        .join(Plan, Commitment.plan_id == Plan.id)
        .join(YoungPerson, Plan.young_person_id == YoungPerson.id)
        .where(
            YoungPerson.organisation_id == organisation_id,
            YoungPerson.closed_at.is_(None),
            Plan.status == PlanStatus.ACTIVE,
            Occurrence.due_on <= today,
        )
    )
    if choice is PeriodChoice.SINCE_REVIEW:
        last = (
            select(Review.young_person_id, func.max(Review.held_on).label("held_on"))
            .where(Review.held_on <= today)
            .group_by(Review.young_person_id)
            .subquery()
        )
        query = query.outerjoin(last, last.c.young_person_id == YoungPerson.id).where(
            Occurrence.due_on
            >= func.coalesce(last.c.held_on, Plan.agreed_on, Plan.conference_on, three_months)
        )
    else:
        query = query.where(Occurrence.due_on >= three_months)
    counts = tally(session, Plan.young_person_id, query, today)
    rows = [OrganisationRow(person, counts.get(person.id, Tally())) for person in young_people]
    rows.sort(key=lambda row: (-row.tally.missed, -row.tally.disputed, row.young_person.chosen_name.lower()))
    return rows


# The review report


@dataclass(frozen=True)
class NetworkSize:
    people: int
    taking_part: int


@dataclass
class ReviewReport:
    review: Review
    young_person: YoungPerson
    plan: Plan | None
    since: date | None
    until: date
    record: dict[int, CommitmentRecord]
    at_referral: NetworkSnapshot | None
    now: NetworkSize


def count_network_now(session: Session, young_person: YoungPerson) -> NetworkSize:
    """As ``network.take_snapshot`` counts (people, not pets, alive; and those taking part), unsaved."""
    state = consent.load_state(session, young_person)
    people = [m for m in young_person.network if m.kind is MemberKind.PERSON and not m.deceased]
    return NetworkSize(len(people), sum(1 for m in people if network.taking_part(state, m)))


def review_report(session: Session, review: Review, today: date) -> ReviewReport:
    """Everything the printed report shows, in at most eight queries."""
    young_person = review.young_person
    # A review held looked at the plan active then; one still to come looks at the plan active now.
    plan = _plan_with_commitments(session, Plan.id == review.plan_id) if review.plan_id else None
    plan = plan or active_plan(session, young_person)
    # From the review held before this one (or the conference) to the day it was held (or today).
    earlier = session.scalar(
        select(func.max(Review.held_on)).where(
            Review.young_person_id == young_person.id,
            Review.id != review.id,
            Review.held_on < review.due_on,
        )
    )
    since = earlier or (plan.conference_on if plan else None)
    until = review.held_on or today
    record = plan_record(session, plan, since or date.min, until, today) if plan else {}
    snapshots = network.snapshots(session, young_person)
    at_referral = next((s for s in snapshots if s.occasion is SnapshotOccasion.REFERRAL), None)
    held = next(
        (
            s
            for s in reversed(snapshots)
            if review.held_on and s.occasion is SnapshotOccasion.REVIEW and s.taken_on == review.held_on
        ),
        None,
    )
    now = NetworkSize(held.people, held.taking_part) if held else count_network_now(session, young_person)
    return ReviewReport(review, young_person, plan, since, until, record, at_referral, now)


# The coordinators' weekly digest


@dataclass(frozen=True)
class Lapse:
    """A promise that needs a gentle follow-up: a one-off or yearly one (a birthday) passed with nobody
    confirming it, or a repeating one (a monthly call) not confirmed twice in a row."""

    young_person: YoungPerson
    commitment: Commitment
    occurrence: Occurrence  # the latest missed one
    twice: bool


def _missed(occurrence: Occurrence, today: date) -> bool:
    return occurrence.status is OccurrenceStatus.MISSED or (
        occurrence.status is OccurrenceStatus.DUE and occurrence.window_ends_on < today
    )


def lapses(session: Session, organisation: Organisation, today: date) -> dict[Account, list[Lapse]]:
    """This week's lapses (windows that closed in the seven days before ``today``), per coordinator.

    A young person who has paused or stopped taking part has no lapses: nobody chases their people.
    """
    recent = list(
        session.scalars(
            select(Occurrence)
            .join(Commitment, Occurrence.commitment_id == Commitment.id)
            .join(Plan, Commitment.plan_id == Plan.id)
            .join(YoungPerson, Plan.young_person_id == YoungPerson.id)
            .options(
                selectinload(Occurrence.commitment).selectinload(Commitment.supporters),
                selectinload(Occurrence.commitment)
                .selectinload(Commitment.plan)
                .selectinload(Plan.young_person)
                .selectinload(YoungPerson.coordinator),
            )
            .where(
                YoungPerson.organisation_id == organisation.id,
                YoungPerson.closed_at.is_(None),
                YoungPerson.coordinator_id.is_not(None),
                Plan.status == PlanStatus.ACTIVE,
                Commitment.status == CommitmentStatus.ACTIVE,
                lapsed(today),
                Occurrence.window_ends_on < today,
                Occurrence.window_ends_on >= today - DIGEST_WEEK,
            )
            .order_by(Occurrence.due_on, Occurrence.id)
        )
    )
    repeating = {o.commitment_id for o in recent if o.commitment.schedule in REPEATING}
    earlier: dict[int, list[Occurrence]] = defaultdict(list)
    if repeating:
        for occurrence in session.scalars(
            select(Occurrence)
            .where(
                Occurrence.commitment_id.in_(repeating),
                Occurrence.window_ends_on < today,
                Occurrence.status != OccurrenceStatus.MOVED,  # its new day is an occurrence of its own
            )
            .order_by(Occurrence.due_on.desc())
        ):
            earlier[occurrence.commitment_id].append(occurrence)
    taking_part: dict[int, bool] = {}
    found: dict[Account, list[Lapse]] = defaultdict(list)
    for occurrence in recent:
        commitment = occurrence.commitment
        young_person = commitment.plan.young_person
        twice = False
        if commitment.schedule in REPEATING:
            before = next((o for o in earlier[commitment.id] if o.due_on < occurrence.due_on), None)
            if before is None or not _missed(before, today):
                continue  # missed once: quiet, it may just be late news
            twice = True
        if young_person.id not in taking_part:
            state = consent.load_state(session, young_person)
            taking_part[young_person.id] = consent.may(state, Action.TAKE_PART, today)
        if taking_part[young_person.id]:
            found[young_person.coordinator].append(Lapse(young_person, commitment, occurrence, twice))
    return dict(found)
