"""Referral rules (app/domain/referrals.py) on a real database: who may refer and triage, what is stored.

Policies are the shipped examples (``policies/``) stored on an organisation as data, the way
``flask org create --policy`` stores them. Ages are counted on the organisation's own calendar day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.demo_referrals import example_policy
from app.domain import referrals, self_referral
from app.domain.eligibility import Facts, PolicyError, parse_policy
from app.domain.referrals import ReferralRefused, ReferredChild
from app.domain.self_referral import Contact, SelfReferralAnswers
from app.models import (
    Account,
    AuditEvent,
    Base,
    CaseStatus,
    LegalStatus,
    Referral,
    ReferralRoute,
    ReferralStatus,
    Role,
    YoungPerson,
)
from tests import factories

NOW = datetime(2026, 6, 3, 10, 30, tzinfo=UTC)
YOUNGER_THAN_USUAL_12 = [["younger_than_usual", {"years": 12, "months": 0}]]


def born_aged(on: date, years: int, days_short: int = 0) -> date:
    """A date of birth that makes someone exactly ``years`` on ``on`` (``days_short`` days too young)."""
    try:
        born = on.replace(year=on.year - years)
    except ValueError:  # 29 February: they turned ``years`` on 1 March
        born = date(on.year - years, 3, 1)
    return born + timedelta(days=days_short)


def row_counts(session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


@pytest.fixture
def barking(db_session):
    """Barking and Dagenham's example: 12+ in care (younger: a conversation); care leavers self-refer."""
    organisation = factories.organisation_with_policy(
        db_session, "barking-and-dagenham", name="Barking and Dagenham Lifelong Links"
    )
    db_session.commit()
    return organisation


@pytest.fixture
def durham(db_session):
    """Durham's example: 15¾ to 18 in care, a worker refers."""
    organisation = factories.organisation_with_policy(db_session, "durham", name="Durham Lifelong Links")
    db_session.commit()
    return organisation


def staff(db_session, organisation, role: Role) -> Account:
    account = factories.account(db_session, role=role, organisation=organisation)
    db_session.commit()
    return account


def adult_answers(organisation, years: int = 20, **values) -> SelfReferralAnswers:
    values.setdefault("care_experienced", True)
    return SelfReferralAnswers(born=born_aged(referrals.today_for(organisation), years), **values)


SAM = Contact(name="Sam", email="sam@example.org", phone="07700 900123", hopes="find my brother")


# Self-referral: refused, and then nothing is stored


@pytest.mark.parametrize(
    ("policy", "answers", "reason"),
    [
        ("durham", {}, "self_referral_closed"),
        ("hertfordshire", {}, "self_referral_closed"),
        (None, {}, "self_referral_closed"),
        ("barking-and-dagenham", {"years": 17}, "under_18"),
        ("barking-and-dagenham", {"years": 18, "days_short": 1}, "under_18"),
        ("barking-and-dagenham", {"care_experienced": False}, "not_eligible"),
        ("barking-and-dagenham", {"years": 25}, "not_eligible"),
    ],
)
def test_a_self_referral_that_cannot_go_ahead_is_refused_and_stores_nothing(
    db_session, policy, answers, reason
):
    if policy:
        organisation = factories.organisation_with_policy(db_session, policy)
    else:
        organisation = factories.organisation(db_session)
    db_session.commit()
    today = referrals.today_for(organisation)
    answers = {"care_experienced": True, **answers}
    years, days_short = answers.pop("years", 20), answers.pop("days_short", 0)
    before = row_counts(db_session)

    with pytest.raises(ReferralRefused) as refused:
        self_referral.create_self_referral(
            db_session,
            organisation,
            SelfReferralAnswers(born=born_aged(today, years, days_short), **answers),
            SAM,
            NOW,
        )

    assert refused.value.reason == reason
    db_session.flush()
    assert row_counts(db_session) == before


def test_a_self_referral_stores_the_account_the_young_person_and_the_referral(db_session, barking):
    today = referrals.today_for(barking)
    answers = adult_answers(barking, family_abroad=True)
    contact = Contact(
        name="Sam", email="sam@example.org", phone="07700 900123", hopes="find my brother", language="cy"
    )

    young_person, referral = self_referral.create_self_referral(db_session, barking, answers, contact, NOW)
    db_session.commit()
    db_session.expire_all()

    young_person = db_session.get(YoungPerson, young_person.id)
    account = young_person.account
    assert (account.role, account.organisation_id, account.display_name, account.language) == (
        Role.YOUNG_PERSON,
        barking.id,
        "Sam",
        "cy",
    )
    assert account.passkeys == []  # the caller saves the passkey it has just verified
    assert young_person.chosen_name == "Sam" and young_person.date_of_birth == answers.born
    assert young_person.status is CaseStatus.REFERRED
    assert young_person.legal_status is LegalStatus.SELF_REFERRED
    assert young_person.organisation_id == barking.id
    assert [objective.text for objective in young_person.objectives] == ["find my brother"]

    referral = db_session.get(Referral, referral.id)
    assert referral.young_person_id == young_person.id and referral.organisation_id == barking.id
    assert referral.route is ReferralRoute.SELF and referral.status is ReferralStatus.NEW
    assert referral.referred_by_id is None
    assert (referral.result, referral.reasons, referral.signposts) == (
        "eligible",
        [],
        ["red_cross_family_tracing"],
    )
    assert referral.answer == "eligible"
    assert (referral.policy_name, referral.checked_on) == ("barking-and-dagenham", today)
    assert (referral.contact_email, referral.contact_phone) == ("sam@example.org", "07700 900123")
    assert referral.care_leaver and referral.family_abroad and not referral.uasc
    assert referral.created_at == NOW

    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "referral.self"))
    assert event.actor_account_id == account.id and event.object_public_id == referral.public_id
    assert event.organisation_id == barking.id


def test_an_18th_birthday_is_old_enough_and_no_hopes_means_no_objective(db_session, barking):
    answers = adult_answers(barking, years=18)
    contact = Contact(name="Kit", email=None, phone="07700 900124")

    young_person, referral = self_referral.create_self_referral(db_session, barking, answers, contact, NOW)

    assert young_person.objectives == []
    assert (referral.contact_email, referral.contact_phone) == (None, "07700 900124")
    assert referral.result == "eligible"


def test_a_self_referral_waiting_to_hear_about_the_uk_gets_legal_advice_first(db_session, barking):
    answers = adult_answers(barking, uasc=True, family_abroad=True)

    _young_person, referral = self_referral.create_self_referral(db_session, barking, answers, SAM, NOW)

    assert referral.uasc and referral.signposts == ["immigration_legal_advice", "red_cross_family_tracing"]


def test_only_councils_whose_policy_opens_self_referral_take_one(db_session, barking, durham):
    zeta = factories.organisation_with_policy(db_session, "barking-and-dagenham", name="Zeta Lifelong Links")
    alpha = factories.organisation_with_policy(
        db_session, "barking-and-dagenham", name="Alpha Lifelong Links"
    )
    no_policy = factories.organisation(db_session)
    broken = factories.organisation(
        db_session,
        policy_name="broken",
        policy={**example_policy("barking-and-dagenham"), "reply_within_working_days": 0},
    )
    db_session.commit()

    assert self_referral.self_referral_organisations(db_session) == [alpha, barking, zeta]
    assert [referrals.self_referral_open(o) for o in (durham, no_policy, broken)] == [False] * 3
    # A stored policy that no longer passes the checks counts as no policy at all.
    assert referrals.policy_of(broken) is None
    assert referrals.check_facts(broken, Facts(born=date(2005, 1, 1), on=date(2025, 1, 1))).reasons == [
        ("no_policy", {})
    ]


def test_only_the_questions_the_policy_uses_are_asked(db_session, barking):
    quiet = factories.organisation(
        db_session,
        policy_name="quiet",
        policy={"care_leavers": {"min_age": 18, "under_age": 25, "self_referral": True}},
    )
    abroad_only = factories.organisation(
        db_session,
        policy_name="abroad",
        policy={
            "care_leavers": {"min_age": 18, "self_referral": True},
            "signposts": {"family_abroad": "red_cross_family_tracing"},
        },
    )
    assert self_referral.asks_about(barking) == {"family_abroad", "uasc"}
    assert self_referral.asks_about(quiet) == set()
    assert self_referral.asks_about(abroad_only) == {"family_abroad"}
    assert self_referral.asks_about(factories.organisation(db_session)) == set()


def test_an_adult_from_their_18th_birthday():
    assert self_referral.is_adult(date(2008, 6, 3), date(2026, 6, 3))
    assert not self_referral.is_adult(date(2008, 6, 3), date(2026, 6, 2))
    assert not self_referral.is_adult(date(2008, 2, 29), date(2026, 2, 28))  # a leap-day baby: 1 March
    assert self_referral.is_adult(date(2008, 2, 29), date(2026, 3, 1))


# Staff referrals: the policy's answer is stored with the referral


def child_facts(organisation, years: int, days_short: int = 0, **values) -> Facts:
    today = referrals.today_for(organisation)
    values.setdefault("legal_status", "care_order")
    values.setdefault("plan", "long_term_care")
    return Facts(born=born_aged(today, years, days_short), on=today, **values)


def test_a_social_worker_refers_a_child_too_young_for_durham(db_session, durham):
    worker = staff(db_session, durham, Role.SOCIAL_WORKER)
    child = ReferredChild(
        chosen_name="Leo",
        legal_name="Leonardo Reyes",
        pr_holder="His mum and the council",
        reason="Asks about his dad's family",
    )
    facts = child_facts(durham, 13, legal_status="section_20", in_care_since=date(2024, 11, 4))

    referral = referrals.create_staff_referral(db_session, worker, child, facts)
    db_session.commit()
    db_session.expire_all()

    referral = db_session.get(Referral, referral.id)
    assert referral.route is ReferralRoute.STAFF and referral.status is ReferralStatus.NEW
    assert (referral.result, referral.reasons) == (
        "not_eligible",
        [["too_young", {"years": 15, "months": 9}]],
    )
    assert (referral.policy_name, referral.checked_on) == ("durham", facts.on)
    assert referral.referred_by_id == worker.id and referral.organisation_id == durham.id
    assert (referral.legal_status, referral.plan) == ("section_20", "long_term_care")
    assert (referral.pr_holder, referral.reason) == ("His mum and the council", "Asks about his dad's family")
    person = referral.young_person
    assert (person.chosen_name, person.legal_name) == ("Leo", "Leonardo Reyes")
    assert person.account_id is None and person.status is CaseStatus.REFERRED
    assert person.legal_status is LegalStatus.SECTION_20 and person.in_care_since == date(2024, 11, 4)
    # The social worker who refers becomes the young person's social worker.
    assert person.social_worker_id == worker.id and person.coordinator_id is None
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "referral.staff"))
    assert event.actor_account_id == worker.id and event.object_public_id == referral.public_id


def test_an_11_year_old_in_barking_and_dagenham_needs_a_conversation(db_session, barking):
    coordinator = staff(db_session, barking, Role.COORDINATOR)

    referral = referrals.create_staff_referral(
        db_session, coordinator, ReferredChild(chosen_name="Mo"), child_facts(barking, 11)
    )

    assert (referral.result, referral.reasons) == ("conversation", YOUNGER_THAN_USUAL_12)
    assert referral.young_person.social_worker is None  # a coordinator is not their social worker
    assert referral.young_person.legal_status is LegalStatus.CARE_ORDER


def test_a_service_without_a_policy_always_needs_a_conversation(db_session, organisation):
    manager = staff(db_session, organisation, Role.MANAGER)

    referral = referrals.create_staff_referral(
        db_session, manager, ReferredChild(chosen_name="Ash"), child_facts(organisation, 15)
    )

    assert (referral.result, referral.reasons, referral.signposts) == (
        "conversation",
        [["no_policy", {}]],
        [],
    )
    assert referral.policy_name is None


def test_a_care_leaver_referred_by_staff_is_recorded_as_a_care_leaver(db_session, barking):
    worker = staff(db_session, barking, Role.SOCIAL_WORKER)
    facts = child_facts(barking, 19, legal_status="none", plan="none", care_leaver=True)

    referral = referrals.create_staff_referral(db_session, worker, ReferredChild(chosen_name="Bo"), facts)

    assert referral.result == "eligible" and referral.care_leaver
    assert referral.young_person.legal_status is LegalStatus.CARE_LEAVER


@pytest.mark.parametrize("role", [Role.ADMIN, Role.IRO, Role.YOUNG_PERSON])
def test_only_coordinators_social_workers_and_managers_refer(db_session, barking, role):
    actor = staff(db_session, barking, role)
    before = row_counts(db_session)

    with pytest.raises(ReferralRefused, match="not_allowed"):
        referrals.create_staff_referral(
            db_session, actor, ReferredChild(chosen_name="X"), child_facts(barking, 14)
        )

    db_session.flush()
    assert row_counts(db_session) == before


# Deciding a "needs a conversation" answer


def conversation(db_session, organisation, **values) -> Referral:
    referral = factories.referral(
        db_session,
        factories.young_person(db_session, organisation=organisation),
        **({"result": "conversation", "reasons": YOUNGER_THAN_USUAL_12} | values),
    )
    db_session.commit()
    return referral


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.COORDINATOR, Role.MANAGER])
def test_a_worker_decides_a_conversation_and_says_why(db_session, barking, role):
    worker = staff(db_session, barking, role)
    referral = conversation(db_session, barking)

    referrals.override(db_session, worker, referral, "eligible", "  We met; she is ready.  ", NOW)
    db_session.commit()
    db_session.expire_all()

    referral = db_session.get(Referral, referral.id)
    assert (referral.override_result, referral.override_reason) == ("eligible", "We met; she is ready.")
    assert referral.overridden_by_id == worker.id and referral.overridden_at == NOW
    assert referral.result == "conversation" and referral.answer == "eligible"
    assert referral.status is ReferralStatus.NEW
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "referral.override"))
    assert event.detail == {"result": "eligible"} and event.object_public_id == referral.public_id


@pytest.mark.parametrize(
    ("values", "refusal"),
    [
        ({"result": "eligible", "reasons": []}, "not_a_conversation"),
        (
            {"result": "not_eligible", "reasons": [["too_young", {"years": 12, "months": 0}]]},
            "not_a_conversation",
        ),
        ({"status": ReferralStatus.CLOSED}, "not_a_conversation"),
        ({"status": ReferralStatus.ACCEPTED}, "not_a_conversation"),
    ],
)
def test_only_a_new_conversation_is_decided(db_session, barking, values, refusal):
    coordinator = staff(db_session, barking, Role.COORDINATOR)
    referral = conversation(db_session, barking, **values)

    with pytest.raises(ReferralRefused, match=refusal):
        referrals.override(db_session, coordinator, referral, "eligible", "We talked", NOW)

    assert referral.override_result is None and referral.overridden_by is None


@pytest.mark.parametrize(
    ("decision", "reason"), [("eligible", ""), ("eligible", " \n "), ("maybe", "We talked")]
)
def test_a_decision_needs_a_result_and_a_reason(db_session, barking, decision, reason):
    coordinator = staff(db_session, barking, Role.COORDINATOR)
    referral = conversation(db_session, barking)

    with pytest.raises(ReferralRefused, match="reason_needed"):
        referrals.override(db_session, coordinator, referral, decision, reason, NOW)

    assert referral.override_result is None and referral.answer == "conversation"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.IRO])
def test_admins_and_iros_do_not_decide_conversations(db_session, barking, role):
    referral = conversation(db_session, barking)

    with pytest.raises(ReferralRefused, match="not_allowed"):
        referrals.override(db_session, staff(db_session, barking, role), referral, "eligible", "Fine", NOW)

    assert referral.override_result is None


# Triage: accept or close


def test_a_coordinator_accepts_an_eligible_referral_and_names_its_coordinator(db_session, barking):
    triager = staff(db_session, barking, Role.MANAGER)
    coordinator = staff(db_session, barking, Role.COORDINATOR)
    referral = conversation(db_session, barking, result="eligible", reasons=[])

    referrals.accept(db_session, triager, referral, coordinator, NOW)
    db_session.commit()
    db_session.expire_all()

    referral = db_session.get(Referral, referral.id)
    assert referral.status is ReferralStatus.ACCEPTED
    assert referral.decided_by_id == triager.id and referral.decided_at == NOW
    assert referral.young_person.coordinator_id == coordinator.id
    assert referral.young_person.status is CaseStatus.CONSENT_PENDING
    assert referral.young_person.closed_at is None
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "referral.accepted")) is not None


def test_a_conversation_decided_eligible_can_be_accepted(db_session, barking):
    coordinator = staff(db_session, barking, Role.COORDINATOR)
    referral = conversation(db_session, barking)
    with pytest.raises(ReferralRefused, match="not_eligible"):
        referrals.accept(db_session, coordinator, referral, coordinator, NOW)

    referrals.override(db_session, coordinator, referral, "eligible", "We met him", NOW)
    referrals.accept(db_session, coordinator, referral, coordinator, NOW)

    assert referral.status is ReferralStatus.ACCEPTED and referral.young_person.coordinator == coordinator


@pytest.mark.parametrize(
    "values",
    [
        {"result": "not_eligible", "reasons": [["too_young", {"years": 12, "months": 0}]]},
        {"override_result": "not_eligible", "override_reason": "Not now"},
    ],
)
def test_a_referral_that_is_not_eligible_is_never_accepted(db_session, barking, values):
    coordinator = staff(db_session, barking, Role.COORDINATOR)
    referral = conversation(db_session, barking, **values)

    with pytest.raises(ReferralRefused, match="not_eligible"):
        referrals.accept(db_session, coordinator, referral, coordinator, NOW)

    assert referral.status is ReferralStatus.NEW and referral.young_person.status is CaseStatus.REFERRED


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.ADMIN, Role.IRO])
def test_only_coordinators_and_managers_triage(db_session, barking, role):
    actor = staff(db_session, barking, role)
    coordinator = staff(db_session, barking, Role.COORDINATOR)
    referral = conversation(db_session, barking, result="eligible", reasons=[])

    with pytest.raises(ReferralRefused, match="not_allowed"):
        referrals.accept(db_session, actor, referral, coordinator, NOW)
    with pytest.raises(ReferralRefused, match="not_allowed"):
        referrals.close(db_session, actor, referral, "No", NOW)

    assert referral.status is ReferralStatus.NEW and referral.decided_by is None
    assert referrals.triage_queue(db_session, actor) == []


def test_the_coordinator_named_must_be_a_coordinator_of_the_same_service(db_session, barking, durham):
    triager = staff(db_session, barking, Role.COORDINATOR)
    referral = conversation(db_session, barking, result="eligible", reasons=[])

    for wrong in (
        staff(db_session, durham, Role.COORDINATOR),
        staff(db_session, barking, Role.SOCIAL_WORKER),
    ):
        with pytest.raises(ReferralRefused, match="not_a_coordinator"):
            referrals.accept(db_session, triager, referral, wrong, NOW)

    assert referral.status is ReferralStatus.NEW and referral.young_person.coordinator is None


def test_a_closed_referral_keeps_its_reason_and_closes_the_record(db_session, barking):
    coordinator = staff(db_session, barking, Role.COORDINATOR)
    referral = conversation(db_session, barking)

    referrals.close(
        db_session, coordinator, referral, "  Her family work is with the leaving care team.  ", NOW
    )
    db_session.commit()
    db_session.expire_all()

    referral = db_session.get(Referral, referral.id)
    assert referral.status is ReferralStatus.CLOSED
    assert referral.close_reason == "Her family work is with the leaving care team."
    assert referral.decided_by_id == coordinator.id and referral.decided_at == NOW
    assert referral.young_person.status is CaseStatus.CLOSED and referral.young_person.closed_at == NOW
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "referral.closed")) is not None


def test_closing_needs_a_reason(db_session, barking):
    coordinator = staff(db_session, barking, Role.COORDINATOR)
    referral = conversation(db_session, barking)

    with pytest.raises(ReferralRefused, match="reason_needed"):
        referrals.close(db_session, coordinator, referral, "   ", NOW)

    assert referral.status is ReferralStatus.NEW and referral.close_reason is None
    assert referral.young_person.closed_at is None


def test_a_decided_referral_is_not_decided_again(db_session, barking):
    coordinator = staff(db_session, barking, Role.COORDINATOR)
    accepted = conversation(db_session, barking, result="eligible", reasons=[])
    closed = conversation(db_session, barking)
    referrals.accept(db_session, coordinator, accepted, coordinator, NOW)
    referrals.close(db_session, coordinator, closed, "Not for us", NOW)

    for referral in (accepted, closed):
        with pytest.raises(ReferralRefused, match="already_decided"):
            referrals.accept(db_session, coordinator, referral, coordinator, NOW)
        with pytest.raises(ReferralRefused, match="already_decided"):
            referrals.close(db_session, coordinator, referral, "Again", NOW)

    assert accepted.status is ReferralStatus.ACCEPTED and closed.close_reason == "Not for us"


def test_the_triage_queue_is_the_services_new_referrals_longest_waiting_first(db_session, barking, durham):
    coordinator = staff(db_session, barking, Role.COORDINATOR)
    days = {name: NOW - timedelta(days=n) for name, n in (("old", 9), ("middle", 3), ("new", 0))}
    middle = conversation(db_session, barking, created_at=days["middle"])
    newest = conversation(db_session, barking, created_at=days["new"])
    oldest = conversation(db_session, barking, created_at=days["old"])
    same_time = conversation(db_session, barking, created_at=days["middle"])
    conversation(
        db_session, barking, created_at=days["old"] - timedelta(days=1), status=ReferralStatus.CLOSED
    )
    conversation(db_session, barking, created_at=days["old"], status=ReferralStatus.ACCEPTED)
    conversation(db_session, durham, created_at=days["old"] - timedelta(days=5))

    assert referrals.triage_queue(db_session, coordinator) == [oldest, middle, same_time, newest]
    assert (
        referrals.triage_queue(db_session, staff(db_session, durham, Role.MANAGER))[0].organisation == durham
    )


def test_workers_see_the_referrals_they_made_newest_first(db_session, barking):
    worker = staff(db_session, barking, Role.SOCIAL_WORKER)
    colleague = staff(db_session, barking, Role.SOCIAL_WORKER)
    first = conversation(db_session, barking, referred_by=worker, created_at=NOW - timedelta(days=2))
    second = conversation(
        db_session, barking, referred_by=worker, created_at=NOW, status=ReferralStatus.CLOSED
    )
    conversation(db_session, barking, referred_by=colleague)

    assert referrals.referrals_made_by(db_session, worker) == [second, first]


def test_a_self_referrer_finds_their_own_referral(db_session, barking):
    young_person, referral = self_referral.create_self_referral(
        db_session, barking, adult_answers(barking), SAM, NOW
    )
    someone_else = factories.young_person(db_session, organisation=barking)

    assert referrals.own_referral(db_session, young_person) == referral
    assert referrals.own_referral(db_session, someone_else) is None


# When someone will be in touch


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 6, 3), 0, date(2026, 6, 3)),  # Wednesday
        (date(2026, 6, 3), 2, date(2026, 6, 5)),  # Wednesday → Friday
        (date(2026, 6, 5), 1, date(2026, 6, 8)),  # Friday → Monday
        (date(2026, 6, 6), 1, date(2026, 6, 8)),  # Saturday → Monday
        (date(2026, 6, 7), 5, date(2026, 6, 12)),  # Sunday → Friday
        (date(2026, 6, 1), 5, date(2026, 6, 8)),  # Monday → next Monday
        (date(2026, 6, 5), 10, date(2026, 6, 19)),  # Friday → Friday two weeks later
    ],
)
def test_working_days_skip_weekends(start, days, expected):
    assert referrals.add_working_days(start, days) == expected


def test_the_reply_date_counts_the_policys_working_days(db_session, barking):
    quick = factories.organisation(
        db_session,
        policy_name="quick",
        policy={**example_policy("barking-and-dagenham"), "reply_within_working_days": 3},
    )
    friday = date(2026, 6, 5)
    assert referrals.reply_by(barking, friday) == date(2026, 6, 19)
    assert referrals.reply_by(quick, friday) == date(2026, 6, 10)
    assert referrals.reply_by(factories.organisation(db_session), friday) == date(2026, 6, 19)


POLICY = """\
example = true
organisation = "Riverside"
reply_within_working_days = 5

[care_leavers]
min_age = 18
self_referral = true
"""


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "reply_within_working_days must be between 1 and 60, not 0"),
        ("61", "reply_within_working_days must be between 1 and 60, not 61"),
        ("-3", "reply_within_working_days must be between 1 and 60, not -3"),
        ('"ten"', "reply_within_working_days must be a whole number, not 'ten'"),
        ("10.5", "reply_within_working_days must be a whole number, not 10.5"),
        ("true", "reply_within_working_days must be a whole number, not True"),
    ],
)
def test_a_bad_reply_time_names_the_line(value, problem):
    text = POLICY.replace("reply_within_working_days = 5", f"reply_within_working_days = {value}")

    with pytest.raises(PolicyError) as raised:
        parse_policy(text, source="riverside.toml")

    assert str(raised.value) == f"riverside.toml, line 3: {problem}"


def test_the_reply_time_is_optional_and_may_be_1_to_60_working_days():
    assert parse_policy(POLICY).reply_within_working_days == 5
    assert parse_policy(POLICY.replace("reply_within_working_days = 5\n", "")).reply_within_working_days == 10
    for days in (1, 60):
        policy = parse_policy(POLICY.replace("= 5", f"= {days}"))
        assert policy.reply_within_working_days == days
