"""Referrals: self-referral, staff referral, the policy's answer, overriding a conversation, triage.

Every rule about referrals lives here; views only collect answers and show results. The policy's
answer is stored as codes (``app/eligibility_words.py`` words them in the reader's language), so a
referral keeps the answer it got even if the policy changes later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain import audit, network
from app.domain.eligibility import (
    CONVERSATION,
    ELIGIBLE,
    NOT_ELIGIBLE,
    Facts,
    Policy,
    PolicyError,
    Reason,
    Result,
    check,
)
from app.domain.eligibility_policy import policy_from_data
from app.domain.schedules import add_working_days, today_in
from app.models import (
    Account,
    CaseStatus,
    LegalStatus,
    Organisation,
    Referral,
    ReferralRoute,
    ReferralStatus,
    Role,
    SnapshotOccasion,
    YoungPerson,
)

REFERRERS = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER, Role.MANAGER})
TRIAGERS = frozenset({Role.COORDINATOR, Role.MANAGER})
POLICY_TRIERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.MANAGER})
DEFAULT_REPLY_DAYS = 10


class ReferralRefused(Exception):
    """The step is not allowed now; ``reason`` is a code for the view to word."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def today_for(organisation: Organisation) -> date:
    """Ages and waiting times are counted on the organisation's own calendar day."""
    return today_in(organisation.timezone, datetime.now(UTC))


def policy_of(organisation: Organisation) -> Policy | None:
    """The organisation's stored policy, checked again on every use (None when it has none)."""
    if not organisation.policy:
        return None
    try:
        return policy_from_data(
            organisation.policy,
            source=f"organisation {organisation.slug}",
            name=organisation.policy_name or "",
        )
    except PolicyError:
        return None


def self_referral_open(organisation: Organisation) -> bool:
    policy = policy_of(organisation)
    return bool(policy and policy.care_leavers and policy.care_leavers.self_referral)


def check_facts(organisation: Organisation, facts: Facts) -> Result:
    """The organisation's policy's answer ("conversation" while it has no policy)."""
    policy = policy_of(organisation)
    if policy is None:
        return Result(CONVERSATION, [Reason("no_policy")])
    return check(policy, facts)


def answer_fields(organisation: Organisation, on: date, result: Result) -> dict:
    return {
        "policy_name": organisation.policy_name,
        "checked_on": on,
        "result": result.result,
        "reasons": [[reason.code, dict(reason.values)] for reason in result.reasons],
        "signposts": list(result.signposts),
    }


@dataclass(frozen=True)
class ReferredChild:
    """Who a worker refers; the facts the policy needs come separately as ``Facts``."""

    chosen_name: str
    legal_name: str | None = None
    pr_holder: str | None = None
    reason: str | None = None


LEGAL_STATUS_OF = {
    "care_order": LegalStatus.CARE_ORDER,
    "interim_care_order": LegalStatus.INTERIM_CARE_ORDER,
    "section_20": LegalStatus.SECTION_20,
    "none": LegalStatus.OTHER,
}


def may_refer(actor: Account) -> bool:
    return actor.is_staff and actor.role in REFERRERS


def may_triage(actor: Account) -> bool:
    return actor.is_staff and actor.role in TRIAGERS


def may_try_policy(actor: Account) -> bool:
    return actor.is_staff and actor.role in POLICY_TRIERS


def create_staff_referral(session: Session, actor: Account, child: ReferredChild, facts: Facts) -> Referral:
    """Store a worker's referral with the policy's answer on ``facts.on`` (the organisation's today)."""
    if not may_refer(actor):
        raise ReferralRefused("not_allowed")
    organisation = actor.organisation
    young_person = YoungPerson(
        organisation=organisation,
        chosen_name=child.chosen_name,
        legal_name=child.legal_name,
        date_of_birth=facts.born,
        legal_status=LegalStatus.CARE_LEAVER if facts.care_leaver else LEGAL_STATUS_OF[facts.legal_status],
        in_care_since=facts.in_care_since,
        status=CaseStatus.REFERRED,
        social_worker=actor if actor.role is Role.SOCIAL_WORKER else None,
    )
    referral = Referral(
        organisation=organisation,
        young_person=young_person,
        route=ReferralRoute.STAFF,
        referred_by=actor,
        care_leaver=facts.care_leaver,
        legal_status=facts.legal_status,
        plan=facts.plan,
        uasc=facts.uasc,
        family_abroad=facts.family_abroad,
        in_custody=facts.in_custody,
        pr_holder=child.pr_holder,
        reason=child.reason,
        **answer_fields(organisation, facts.on, check_facts(organisation, facts)),
    )
    session.add_all([young_person, referral])
    session.flush()
    audit_referral(session, actor, "referral.staff", referral)
    return referral


def audit_referral(session: Session, actor: Account, action: str, referral: Referral, detail=None) -> None:
    audit.record(
        session,
        actor,
        action,
        object_type="referral",
        object_public_id=referral.public_id,
        young_person_id=referral.young_person.id,
        organisation_id=referral.organisation_id,
        detail=detail,
    )


def _same_organisation(actor: Account, referral: Referral) -> None:
    if actor.organisation_id != referral.organisation_id:
        raise ReferralRefused("not_allowed")


def override(
    session: Session, actor: Account, referral: Referral, result: str, reason: str, now: datetime
) -> None:
    """A worker decides a "needs a conversation" answer after talking it through, and says why."""
    if not may_refer(actor) and not may_triage(actor):
        raise ReferralRefused("not_allowed")
    _same_organisation(actor, referral)
    if (
        referral.status is not ReferralStatus.NEW
        or referral.result != CONVERSATION
        or referral.override_result is not None
    ):
        raise ReferralRefused("not_a_conversation")
    if result not in (ELIGIBLE, NOT_ELIGIBLE) or not reason.strip():
        raise ReferralRefused("reason_needed")
    referral.override_result = result
    referral.override_reason = reason.strip()
    referral.overridden_by = actor
    referral.overridden_at = now
    audit_referral(session, actor, "referral.override", referral, {"result": result})


def coordinators(session: Session, organisation: Organisation) -> list[Account]:
    return list(
        session.scalars(
            select(Account)
            .where(
                Account.organisation_id == organisation.id,
                Account.role == Role.COORDINATOR,
                Account.disabled_at.is_(None),
            )
            .order_by(Account.display_name)
        )
    )


def accept(session: Session, actor: Account, referral: Referral, coordinator: Account, now: datetime) -> None:
    """Triage says yes: a coordinator is assigned and the young person's record waits for consent."""
    if not may_triage(actor):
        raise ReferralRefused("not_allowed")
    _same_organisation(actor, referral)
    if referral.status is not ReferralStatus.NEW:
        raise ReferralRefused("already_decided")
    if referral.answer != ELIGIBLE:
        raise ReferralRefused("not_eligible")
    if (
        coordinator.role is not Role.COORDINATOR
        or coordinator.organisation_id != referral.organisation_id
        or coordinator.disabled_at is not None
    ):
        raise ReferralRefused("not_a_coordinator")
    referral.status = ReferralStatus.ACCEPTED
    referral.decided_by = actor
    referral.decided_at = now
    referral.young_person.coordinator = coordinator
    referral.young_person.status = CaseStatus.CONSENT_PENDING
    network.take_snapshot(
        session, referral.young_person, SnapshotOccasion.REFERRAL, today_for(referral.organisation)
    )
    audit_referral(session, actor, "referral.accepted", referral)


def close(session: Session, actor: Account, referral: Referral, reason: str, now: datetime) -> None:
    """Triage says no, with a reason the referrer (or the young person who referred themselves) sees."""
    if not may_triage(actor):
        raise ReferralRefused("not_allowed")
    _same_organisation(actor, referral)
    if referral.status is not ReferralStatus.NEW:
        raise ReferralRefused("already_decided")
    if not reason.strip():
        raise ReferralRefused("reason_needed")
    referral.status = ReferralStatus.CLOSED
    referral.decided_by = actor
    referral.decided_at = now
    referral.close_reason = reason.strip()
    referral.young_person.status = CaseStatus.CLOSED
    referral.young_person.closed_at = now
    audit_referral(session, actor, "referral.closed", referral)


def triage_queue(session: Session, actor: Account) -> list[Referral]:
    """New referrals of the actor's organisation, longest waiting first."""
    if not may_triage(actor):
        return []
    return list(
        session.scalars(
            select(Referral)
            .options(selectinload(Referral.young_person))
            .where(Referral.organisation_id == actor.organisation_id, Referral.status == ReferralStatus.NEW)
            .order_by(Referral.created_at, Referral.id)
        )
    )


def referrals_made_by(session: Session, actor: Account) -> list[Referral]:
    return list(
        session.scalars(
            select(Referral)
            .options(selectinload(Referral.young_person))
            .where(Referral.referred_by_id == actor.id, Referral.organisation_id == actor.organisation_id)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    )


def own_referral(session: Session, young_person: YoungPerson) -> Referral | None:
    """A self-referrer's own referral, so they see what happens next (and a closing reason)."""
    return session.scalar(select(Referral).where(Referral.young_person_id == young_person.id))


def waiting_days(referral: Referral, today: date) -> int:
    """Whole days since the referral, on the organisation's calendar."""
    return (today - today_in(referral.organisation.timezone, referral.created_at)).days


def reply_by(organisation: Organisation, since: date) -> date:
    """When someone will be in touch: the policy's number of working days after the referral."""
    policy = policy_of(organisation)
    return add_working_days(since, policy.reply_within_working_days if policy else DEFAULT_REPLY_DAYS)


def reasons_of(referral: Referral) -> list[Reason]:
    return [Reason(code, values) for code, values in referral.reasons]
