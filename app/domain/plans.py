"""The plan: who agreed to do what, and the way a plan is agreed, started and carried forward.

A plan is versioned. Version 1 is drafted at the family group conference; it is agreed at the
conference (coordinator), then agreed by the social worker (only a social worker, with their name and
date), then started (active). At a review a new draft version copies the active plan; once the new
version is started the old one is marked superseded and kept, with everything that happened under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.domain import audit, network, occurrences
from app.domain.consent import ConsentState, load_state
from app.domain.schedules import Schedule, today_in
from app.models import (
    Account,
    CaseStatus,
    Commitment,
    CommitmentKind,
    Decision,
    MemberKind,
    NetworkMember,
    Plan,
    PlanStatus,
    Role,
    SafetyStatus,
    SnapshotOccasion,
    YoungPerson,
)

SHOWN_TO_YOUNG_PERSON = (
    PlanStatus.AGREED_AT_CONFERENCE,
    PlanStatus.AGREED_BY_SOCIAL_WORKER,
    PlanStatus.ACTIVE,
)
PLANNERS = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER})


class PlanRefused(Exception):
    """Not allowed now; ``reason`` is a code the view words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def may_support(state: ConsentState, member: NetworkMember) -> bool:
    """Only someone the young person agreed to contact, checked safe, who said yes to taking part."""
    return (
        state.agreed  # not while the young person has paused or not yet said yes
        and member.kind is MemberKind.PERSON
        and not member.deceased
        and member.safety_status is SafetyStatus.SAFE
        and state.contact_choice(member) is Decision.GIVEN
        and state.participation(member) is Decision.GIVEN
    )


def plans_of(session: Session, young_person: YoungPerson) -> list[Plan]:
    """Every version, newest first, with commitments and their supporters in two more queries."""
    return list(
        session.scalars(
            select(Plan)
            .options(selectinload(Plan.commitments).selectinload(Commitment.supporters))
            .where(Plan.young_person_id == young_person.id)
            .order_by(Plan.version.desc())
        )
    )


def shown_plan(plans: list[Plan]) -> Plan | None:
    """What the young person sees: the newest agreed plan (drafts are still being made with them)."""
    return next((plan for plan in plans if plan.status in SHOWN_TO_YOUNG_PERSON), None)


def working_plan(plans: list[Plan]) -> Plan | None:
    """What staff work on: the newest version that is not superseded."""
    return next((plan for plan in plans if plan.status is not PlanStatus.SUPERSEDED), None)


def _require_planner(actor: Account, plan_or_person) -> None:
    young_person = getattr(plan_or_person, "young_person", plan_or_person)
    if actor.role not in PLANNERS or actor.organisation_id != young_person.organisation_id:
        raise PlanRefused("not_allowed")


def _require_draft(plan: Plan) -> None:
    if plan.status is not PlanStatus.DRAFT:
        raise PlanRefused("not_a_draft")


def start_draft(session: Session, actor: Account, young_person: YoungPerson) -> Plan:
    """A new draft: version 1, or a copy of the active plan to carry forward at a review."""
    _require_planner(actor, young_person)
    plans = plans_of(session, young_person)
    if any(
        plan.status is not PlanStatus.ACTIVE and plan.status is not PlanStatus.SUPERSEDED for plan in plans
    ):
        raise PlanRefused("draft_exists")
    active = next((plan for plan in plans if plan.status is PlanStatus.ACTIVE), None)
    version = (
        session.scalar(select(func.max(Plan.version)).where(Plan.young_person_id == young_person.id)) or 0
    ) + 1
    plan = Plan(young_person=young_person, version=version, status=PlanStatus.DRAFT)
    if active is not None:
        plan.supersedes_id = active.id
        plan.review_due_on = active.review_due_on
        plan.commitments = [
            Commitment(
                kind=old.kind,
                description=old.description,
                schedule=old.schedule,
                starts_on=old.starts_on,
                ends_on=old.ends_on,
                interval=old.interval,
                window_days_before=old.window_days_before,
                window_days_after=old.window_days_after,
                checked_by=old.checked_by,
                supporters=list(old.supporters),
            )
            for old in active.commitments
        ]
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor,
        "plan.draft",
        object_type="plan",
        object_public_id=plan.public_id,
        young_person_id=young_person.id,
    )
    return plan


@dataclass(frozen=True)
class Conference:
    held_on: date
    place: str
    attendees: str
    private_family_time: bool


def record_conference(actor: Account, plan: Plan, conference: Conference) -> None:
    _require_planner(actor, plan)
    _require_draft(plan)
    plan.conference_on = conference.held_on
    plan.conference_place = conference.place
    plan.conference_attendees = conference.attendees
    plan.private_family_time = conference.private_family_time


@dataclass(frozen=True)
class CommitmentDetails:
    kind: CommitmentKind
    description: str
    schedule: Schedule
    checked_by: str | None = None


def _apply(
    commitment: Commitment, plan: Plan, details: CommitmentDetails, supporters: list[NetworkMember], state
) -> None:
    if not supporters:
        raise PlanRefused("no_supporter")
    for member in supporters:
        # Only the plan's own young person's network, and their own ledger, can make someone a supporter.
        if (
            member.young_person_id != plan.young_person_id
            or state.young_person.id != plan.young_person_id
            or not may_support(state, member)
        ):
            raise PlanRefused("not_a_supporter")
    schedule = details.schedule
    commitment.kind = details.kind
    commitment.description = details.description.strip()
    commitment.schedule = schedule.kind
    commitment.starts_on = schedule.starts_on
    commitment.ends_on = schedule.ends_on
    commitment.interval = schedule.interval
    commitment.window_days_before = schedule.window_days_before
    commitment.window_days_after = schedule.window_days_after
    commitment.checked_by = (details.checked_by or "").strip() or None
    commitment.supporters = list(supporters)


def add_commitment(
    session: Session,
    actor: Account,
    plan: Plan,
    details: CommitmentDetails,
    supporters: list[NetworkMember],
    state: ConsentState,
) -> Commitment:
    _require_planner(actor, plan)
    _require_draft(plan)
    commitment = Commitment()
    _apply(commitment, plan, details, supporters, state)
    commitment.plan = plan  # only once accepted: a refused commitment must not linger in plan.commitments
    session.add(commitment)
    session.flush()
    return commitment


def change_commitment(
    actor: Account, commitment: Commitment, details: CommitmentDetails, supporters, state: ConsentState
) -> None:
    _require_planner(actor, commitment.plan)
    _require_draft(commitment.plan)
    _apply(commitment, commitment.plan, details, supporters, state)


def remove_commitment(session: Session, actor: Account, commitment: Commitment) -> None:
    _require_planner(actor, commitment.plan)
    _require_draft(commitment.plan)
    session.delete(commitment)


def _recheck_supporters(session: Session, plan: Plan) -> None:
    """Things change between drafting and agreeing (a carried-forward version most of all): everyone
    in the plan must still be someone who may support the young person."""
    state = load_state(session, plan.young_person)
    if any(not may_support(state, m) for c in plan.commitments for m in c.supporters):
        raise PlanRefused("not_a_supporter")


def agree_at_conference(session: Session, actor: Account, plan: Plan) -> None:
    """The network agreed it at the conference (recorded by the coordinator)."""
    if actor.role is not Role.COORDINATOR or actor.organisation_id != plan.young_person.organisation_id:
        raise PlanRefused("not_allowed")
    _require_draft(plan)
    if not plan.commitments:
        raise PlanRefused("no_commitments")
    _recheck_supporters(session, plan)
    if plan.conference_on is None and plan.supersedes_id is None:
        raise PlanRefused("no_conference")
    plan.status = PlanStatus.AGREED_AT_CONFERENCE
    if plan.supersedes_id is None:  # the first plan: the network's size on the day of the conference
        network.take_snapshot(session, plan.young_person, SnapshotOccasion.CONFERENCE, plan.conference_on)
    audit.record(
        session,
        actor,
        "plan.agreed_at_conference",
        object_type="plan",
        object_public_id=plan.public_id,
        young_person_id=plan.young_person_id,
    )


def agree_as_social_worker(session: Session, actor: Account, plan: Plan, on: date) -> None:
    """Only a social worker of the young person's council agrees a plan, if it is safe."""
    if actor.role is not Role.SOCIAL_WORKER or actor.organisation_id != plan.young_person.organisation_id:
        raise PlanRefused("not_a_social_worker")
    if plan.status is not PlanStatus.AGREED_AT_CONFERENCE:
        raise PlanRefused("not_agreed_at_conference")
    plan.status = PlanStatus.AGREED_BY_SOCIAL_WORKER
    plan.agreed_by = actor
    plan.agreed_on = on
    audit.record(
        session,
        actor,
        "plan.agreed_by_social_worker",
        object_type="plan",
        object_public_id=plan.public_id,
        young_person_id=plan.young_person_id,
    )


def start(session: Session, actor: Account, plan: Plan, review_due_on: date | None) -> None:
    """The agreed plan starts; the version it replaces is kept, marked superseded."""
    _require_planner(actor, plan)
    if plan.status is not PlanStatus.AGREED_BY_SOCIAL_WORKER:
        raise PlanRefused("not_agreed_by_social_worker")
    _recheck_supporters(session, plan)
    for other in plans_of(session, plan.young_person):
        if other.status is PlanStatus.ACTIVE and other.id != plan.id:
            other.status = PlanStatus.SUPERSEDED
    plan.status = PlanStatus.ACTIVE
    plan.review_due_on = review_due_on or plan.review_due_on
    occurrences.sync(session, plan, today_in(plan.young_person.timezone, datetime.now(UTC)))
    young_person = plan.young_person
    young_person.status = CaseStatus.REVIEWING if plan.supersedes_id else CaseStatus.PLAN_AGREED
    audit.record(
        session,
        actor,
        "plan.started",
        object_type="plan",
        object_public_id=plan.public_id,
        young_person_id=young_person.id,
    )
