"""The plan (app/domain/plans.py) on a real database: who may be a supporter, and how versions move on.

THE rule: a supporter can be attached to a commitment only if the young person agreed to contact them
(the consent ledger), their safety check says "safe", and they said yes to taking part; a pet or someone
who has died never is. Every way of failing is one row of a table, and each is refused by the domain
itself, not only by the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.domain import consent, plans
from app.domain.consent import Wording, member_scope
from app.domain.plans import CommitmentDetails, Conference, PlanRefused
from app.domain.schedules import Schedule
from app.models import (
    Account,
    AuditEvent,
    CaseStatus,
    Channel,
    Commitment,
    CommitmentKind,
    ConsentKind,
    Decision,
    MemberKind,
    NetworkMember,
    NetworkSnapshot,
    Plan,
    PlanStatus,
    Role,
    SafetyStatus,
    ScheduleKind,
    SnapshotOccasion,
    YoungPerson,
)
from tests import factories

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
CONFERENCE = Conference(
    held_on=date(2026, 5, 2),
    place="Riverside family centre",
    attendees="Jay, Nan, Dev",
    private_family_time=True,
)
WORDS = Wording("test_words", "1", "en", "The words shown when this was decided.")
BIRTHDAY_CALL = CommitmentDetails(
    kind=CommitmentKind.BIRTHDAY_CALL,
    description="Nan rings on Jay's birthday",
    schedule=Schedule(ScheduleKind.YEARLY_BIRTHDAY),
    checked_by="Priya (coordinator)",
)
MATCHES = CommitmentDetails(
    kind=CommitmentKind.OUTING,
    description="Dev takes Jay to a match",
    schedule=Schedule(
        ScheduleKind.EVERY_N_MONTHS, starts_on=date(2026, 6, 6), interval=2, window_days_after=30
    ),
)


@dataclass
class Case:
    young_person: YoungPerson
    coordinator: Account
    social_worker: Account

    def state(self, session) -> consent.ConsentState:
        return consent.load_state(session, self.young_person)


@pytest.fixture
def case(db_session, organisation, coordinator, social_worker) -> Case:
    """Jay (16, care order) is taking part: parental responsibility consent and Jay's own agreement."""
    young_person = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Jay",
        coordinator_id=coordinator.id,
        social_worker_id=social_worker.id,
    )
    factories.consent_to_contact(db_session, young_person)
    db_session.commit()
    return Case(young_person, coordinator, social_worker)


def decide(session, case: Case, kind: ConsentKind, member: NetworkMember, *decisions: Decision) -> None:
    """Decisions about ``member`` in the ledger, in order, as told to the coordinator in person."""
    for decision in decisions:
        consent.record(
            session,
            case.young_person,
            kind,
            decision,
            actor=case.coordinator,
            channel=Channel.IN_PERSON,
            wording=WORDS,
            now=NOW,
            scope=member_scope(member),
            recorded_by_staff=True,
        )


@dataclass(frozen=True)
class Person:
    """One network member and what the ledger says about them; the defaults make a supporter."""

    safety: SafetyStatus = SafetyStatus.SAFE
    contact: tuple[Decision, ...] = (Decision.GIVEN,)
    participation: tuple[Decision, ...] = (Decision.GIVEN,)
    kind: MemberKind = MemberKind.PERSON
    deceased: bool = False


def person(session, case: Case, who: Person = Person(), name: str = "Nan") -> NetworkMember:
    member = factories.network_member(
        session,
        case.young_person,
        name=name,
        safety_status=who.safety,
        kind=who.kind,
        deceased=who.deceased,
    )
    decide(session, case, ConsentKind.CONTACT_PERSON, member, *who.contact)
    decide(session, case, ConsentKind.SUPPORTER_PARTICIPATION, member, *who.participation)
    session.commit()
    return member


def draft(session, case: Case) -> Plan:
    plan = plans.start_draft(session, case.coordinator, case.young_person)
    session.commit()
    return plan


NOT_SUPPORTERS = {
    "never asked about contact": Person(contact=()),
    "contact: not now (after a yes)": Person(contact=(Decision.GIVEN, Decision.WITHDRAWN)),
    "contact: never": Person(contact=(Decision.DECLINED,)),
    "contact: no after 'worried'": Person(contact=(Decision.GIVEN, Decision.GIVEN, Decision.WITHDRAWN)),
    "safety not checked yet": Person(safety=SafetyStatus.UNCHECKED),
    "do not contact": Person(safety=SafetyStatus.DO_NOT_CONTACT),
    "not asked to take part": Person(participation=()),
    "said no to taking part": Person(participation=(Decision.DECLINED,)),
    "stopped taking part": Person(participation=(Decision.GIVEN, Decision.WITHDRAWN)),
    "a pet": Person(kind=MemberKind.PET),
    "has died": Person(deceased=True),
}


@pytest.mark.parametrize("who", NOT_SUPPORTERS.values(), ids=NOT_SUPPORTERS.keys())
def test_only_a_fully_agreed_person_can_be_a_supporter(db_session, case, who):
    plan = draft(db_session, case)
    nobody = person(db_session, case, who, name="Not yet")
    nan = person(db_session, case, name="Nan")
    state = case.state(db_session)

    assert plans.may_support(state, nobody) is False
    assert plans.may_support(state, nan) is True
    for chosen in ([nobody], [nan, nobody]):
        with pytest.raises(PlanRefused) as refused:
            plans.add_commitment(db_session, case.coordinator, plan, BIRTHDAY_CALL, chosen, state)
        assert refused.value.reason == "not_a_supporter"
    db_session.rollback()

    kept = plans.add_commitment(db_session, case.coordinator, plan, BIRTHDAY_CALL, [nan], state)
    db_session.commit()
    with pytest.raises(PlanRefused) as refused:
        plans.change_commitment(case.coordinator, kept, MATCHES, [nan, nobody], state)
    assert refused.value.reason == "not_a_supporter"
    db_session.rollback()

    db_session.expire_all()
    stored = db_session.scalars(select(Commitment).where(Commitment.plan_id == plan.id)).all()
    assert [(c.kind, [m.name for m in c.supporters]) for c in stored] == [
        (CommitmentKind.BIRTHDAY_CALL, ["Nan"])
    ]


def test_the_fully_agreed_person_is_attached_with_the_commitment_as_described(db_session, case):
    plan = draft(db_session, case)
    nan = person(db_session, case, name="Nan")
    dev = person(db_session, case, name="Dev")
    state = case.state(db_session)

    plans.add_commitment(db_session, case.coordinator, plan, BIRTHDAY_CALL, [nan], state)
    plans.add_commitment(db_session, case.social_worker, plan, MATCHES, [dev, nan], state)
    db_session.commit()

    db_session.expire_all()
    call, outing = db_session.scalars(
        select(Commitment).where(Commitment.plan_id == plan.id).order_by(Commitment.id)
    ).all()
    assert [m.name for m in call.supporters] == ["Nan"]
    assert (call.schedule, call.checked_by, call.starts_on) == (
        ScheduleKind.YEARLY_BIRTHDAY,
        "Priya (coordinator)",
        None,
    )
    assert sorted(m.name for m in outing.supporters) == ["Dev", "Nan"]
    assert (outing.schedule, outing.interval, outing.starts_on, outing.window_days_after) == (
        ScheduleKind.EVERY_N_MONTHS,
        2,
        date(2026, 6, 6),
        30,
    )
    assert outing.checked_by is None


def test_a_commitment_needs_at_least_one_supporter(db_session, case):
    plan = draft(db_session, case)
    with pytest.raises(PlanRefused) as refused:
        plans.add_commitment(db_session, case.coordinator, plan, BIRTHDAY_CALL, [], case.state(db_session))
    assert refused.value.reason == "no_supporter"


def test_someone_from_another_young_persons_network_is_never_a_supporter(db_session, case, organisation):
    """Mo's Nan said yes to everything for Mo; in Jay's plan she is nobody, whichever ledger is passed."""
    mo = Case(
        factories.young_person(db_session, organisation=organisation, chosen_name="Mo"),
        case.coordinator,
        case.social_worker,
    )
    factories.consent_to_contact(db_session, mo.young_person)
    db_session.commit()
    mos_nan = person(db_session, mo, name="Mo's Nan")
    plan = draft(db_session, case)

    assert plans.may_support(mo.state(db_session), mos_nan) is True  # in Mo's own plan she could be
    assert plans.may_support(case.state(db_session), mos_nan) is False
    for state in (case.state(db_session), mo.state(db_session)):
        with pytest.raises(PlanRefused) as refused:
            plans.add_commitment(db_session, case.coordinator, plan, BIRTHDAY_CALL, [mos_nan], state)
        assert refused.value.reason == "not_a_supporter"
        db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Commitment)) == 0


def test_the_rule_follows_the_ledger_from_one_moment_to_the_next(db_session, case):
    """The answer is read from the latest decisions: a yes given again makes them a supporter again."""
    nan = person(db_session, case, Person(contact=(Decision.GIVEN, Decision.WITHDRAWN)))
    assert plans.may_support(case.state(db_session), nan) is False
    decide(db_session, case, ConsentKind.CONTACT_PERSON, nan, Decision.GIVEN)
    assert plans.may_support(case.state(db_session), nan) is True
    nan.safety_status = SafetyStatus.DO_NOT_CONTACT
    assert plans.may_support(case.state(db_session), nan) is False


# Versions: draft → agreed at the conference → agreed by the social worker → active → superseded


def make_first_plan(session, case: Case, *supporters: NetworkMember) -> Plan:
    plan = draft(session, case)
    plans.record_conference(case.coordinator, plan, CONFERENCE)
    state = case.state(session)
    plans.add_commitment(session, case.coordinator, plan, BIRTHDAY_CALL, [supporters[0]], state)
    plans.add_commitment(session, case.coordinator, plan, MATCHES, list(supporters), state)
    session.commit()
    return plan


def actions(session, plan: Plan) -> list[tuple[str, str]]:
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.actor_role)
        .where(AuditEvent.object_public_id == plan.public_id)
        .order_by(AuditEvent.id)
    )
    return [tuple(row) for row in rows]


def test_version_1_is_agreed_at_the_conference_then_by_the_social_worker_then_started(db_session, case):
    nan, dev = person(db_session, case, name="Nan"), person(db_session, case, name="Dev")
    plan = make_first_plan(db_session, case, nan, dev)
    assert (plan.version, plan.status, plan.supersedes_id) == (1, PlanStatus.DRAFT, None)
    assert (plan.conference_on, plan.conference_place, plan.private_family_time) == (
        date(2026, 5, 2),
        "Riverside family centre",
        True,
    )

    plans.agree_at_conference(db_session, case.coordinator, plan)
    db_session.commit()
    assert plan.status is PlanStatus.AGREED_AT_CONFERENCE
    assert plan.agreed_by is None

    with pytest.raises(PlanRefused) as refused:
        plans.agree_as_social_worker(db_session, case.coordinator, plan, date(2026, 5, 9))
    assert refused.value.reason == "not_a_social_worker"
    assert plan.status is PlanStatus.AGREED_AT_CONFERENCE and plan.agreed_on is None

    plans.agree_as_social_worker(db_session, case.social_worker, plan, date(2026, 5, 10))
    db_session.commit()
    assert plan.status is PlanStatus.AGREED_BY_SOCIAL_WORKER
    assert (plan.agreed_by_id, plan.agreed_on) == (case.social_worker.id, date(2026, 5, 10))

    plans.start(db_session, case.coordinator, plan, review_due_on=date(2026, 11, 2))
    db_session.commit()

    db_session.expire_all()
    stored = db_session.get(Plan, plan.id)
    assert stored.status is PlanStatus.ACTIVE
    assert stored.review_due_on == date(2026, 11, 2)
    assert stored.agreed_by.display_name == case.social_worker.display_name
    assert db_session.get(YoungPerson, case.young_person.id).status is CaseStatus.PLAN_AGREED
    assert actions(db_session, plan) == [
        ("plan.draft", "coordinator"),
        ("plan.agreed_at_conference", "coordinator"),
        ("plan.agreed_by_social_worker", "social_worker"),
        ("plan.started", "coordinator"),
    ]
    everything = plans.plans_of(db_session, case.young_person)
    assert plans.shown_plan(everything) is stored and plans.working_plan(everything) is stored


def test_a_conference_snapshot_is_taken_when_version_1_is_agreed(db_session, case):
    nan, dev = person(db_session, case, name="Nan"), person(db_session, case, name="Dev")
    person(db_session, case, Person(participation=()), name="Auntie Rose")  # found, not taking part yet
    person(db_session, case, Person(kind=MemberKind.PET), name="Biscuit")
    person(db_session, case, Person(deceased=True, participation=()), name="Grandad")
    plan = make_first_plan(db_session, case, nan, dev)
    assert db_session.scalar(select(func.count()).select_from(NetworkSnapshot)) == 0

    plans.agree_at_conference(db_session, case.coordinator, plan)
    db_session.commit()

    db_session.expire_all()
    snapshot = db_session.scalars(select(NetworkSnapshot)).one()
    assert (snapshot.young_person_id, snapshot.occasion, snapshot.taken_on) == (
        case.young_person.id,
        SnapshotOccasion.CONFERENCE,
        date(2026, 5, 2),
    )
    assert (snapshot.people, snapshot.taking_part) == (3, 2)  # Nan, Dev, Rose; not the dog or Grandad


@pytest.mark.parametrize(
    ("prepare", "reason"),
    [
        ("no commitments", "no_commitments"),
        ("no conference", "no_conference"),
    ],
)
def test_the_network_agrees_only_a_plan_with_commitments_and_a_conference(db_session, case, prepare, reason):
    nan = person(db_session, case)
    plan = draft(db_session, case)
    if prepare == "no conference":
        plans.add_commitment(db_session, case.coordinator, plan, BIRTHDAY_CALL, [nan], case.state(db_session))
    else:
        plans.record_conference(case.coordinator, plan, CONFERENCE)
    db_session.commit()
    with pytest.raises(PlanRefused) as refused:
        plans.agree_at_conference(db_session, case.coordinator, plan)
    assert refused.value.reason == reason
    assert plan.status is PlanStatus.DRAFT


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.IRO, Role.MANAGER, Role.ADMIN])
def test_only_the_coordinator_records_the_conferences_agreement(db_session, case, organisation, role):
    nan = person(db_session, case)
    plan = make_first_plan(db_session, case, nan)
    other = factories.account(db_session, role=role, organisation=organisation)
    with pytest.raises(PlanRefused) as refused:
        plans.agree_at_conference(db_session, other, plan)
    assert refused.value.reason == "not_allowed"
    assert plan.status is PlanStatus.DRAFT


def test_staff_of_another_council_are_refused_at_every_step(db_session, case, other_organisation):
    nan = person(db_session, case)
    their_coordinator = factories.account(db_session, role=Role.COORDINATOR, organisation=other_organisation)
    their_social_worker = factories.account(
        db_session, role=Role.SOCIAL_WORKER, organisation=other_organisation
    )
    with pytest.raises(PlanRefused, match="not_allowed"):
        plans.start_draft(db_session, their_coordinator, case.young_person)
    plan = make_first_plan(db_session, case, nan)
    state = case.state(db_session)
    with pytest.raises(PlanRefused, match="not_allowed"):
        plans.add_commitment(db_session, their_coordinator, plan, BIRTHDAY_CALL, [nan], state)
    with pytest.raises(PlanRefused, match="not_allowed"):
        plans.agree_at_conference(db_session, their_coordinator, plan)
    plans.agree_at_conference(db_session, case.coordinator, plan)
    with pytest.raises(PlanRefused, match="not_a_social_worker"):
        plans.agree_as_social_worker(db_session, their_social_worker, plan, date(2026, 5, 10))
    plans.agree_as_social_worker(db_session, case.social_worker, plan, date(2026, 5, 10))
    with pytest.raises(PlanRefused, match="not_allowed"):
        plans.start(db_session, their_coordinator, plan, None)
    assert plan.status is PlanStatus.AGREED_BY_SOCIAL_WORKER


@pytest.mark.parametrize("role", [Role.YOUNG_PERSON, Role.SUPPORTER, Role.IRO, Role.MANAGER, Role.ADMIN])
def test_only_coordinators_and_social_workers_make_plans(db_session, case, organisation, role):
    someone = factories.account(
        db_session, role=role, organisation=None if role is Role.SUPPORTER else organisation
    )
    with pytest.raises(PlanRefused, match="not_allowed"):
        plans.start_draft(db_session, someone, case.young_person)
    assert plans.plans_of(db_session, case.young_person) == []


def test_the_steps_happen_only_in_order(db_session, case):
    nan = person(db_session, case)
    plan = make_first_plan(db_session, case, nan)
    with pytest.raises(PlanRefused, match="not_agreed_at_conference"):
        plans.agree_as_social_worker(db_session, case.social_worker, plan, date(2026, 5, 10))
    with pytest.raises(PlanRefused, match="not_agreed_by_social_worker"):
        plans.start(db_session, case.coordinator, plan, None)
    plans.agree_at_conference(db_session, case.coordinator, plan)
    with pytest.raises(PlanRefused, match="not_agreed_by_social_worker"):
        plans.start(db_session, case.coordinator, plan, None)
    with pytest.raises(PlanRefused, match="not_a_draft"):
        plans.agree_at_conference(db_session, case.coordinator, plan)
    with pytest.raises(PlanRefused, match="draft_exists"):  # one version in the making at a time
        plans.start_draft(db_session, case.coordinator, case.young_person)
    assert plan.status is PlanStatus.AGREED_AT_CONFERENCE


def advance(session, case: Case, plan: Plan, to: PlanStatus) -> None:
    """Take ``plan`` through the next steps, each by the person allowed to, until it reaches ``to``."""
    next_step = {
        PlanStatus.DRAFT: lambda: plans.agree_at_conference(session, case.coordinator, plan),
        PlanStatus.AGREED_AT_CONFERENCE: lambda: plans.agree_as_social_worker(
            session, case.social_worker, plan, date(2026, 5, 10)
        ),
        PlanStatus.AGREED_BY_SOCIAL_WORKER: lambda: plans.start(
            session, case.coordinator, plan, date(2026, 11, 2)
        ),
    }
    while plan.status is not to:
        next_step[plan.status]()
    session.commit()


@pytest.mark.parametrize(
    "status", [PlanStatus.AGREED_AT_CONFERENCE, PlanStatus.AGREED_BY_SOCIAL_WORKER, PlanStatus.ACTIVE]
)
def test_an_agreed_plan_cannot_be_changed(db_session, case, status):
    nan, dev = person(db_session, case, name="Nan"), person(db_session, case, name="Dev")
    plan = make_first_plan(db_session, case, nan, dev)
    advance(db_session, case, plan, status)
    state = case.state(db_session)
    call = plan.commitments[0]
    changes = {
        "add": lambda: plans.add_commitment(db_session, case.coordinator, plan, MATCHES, [nan], state),
        "change": lambda: plans.change_commitment(case.coordinator, call, MATCHES, [dev], state),
        "remove": lambda: plans.remove_commitment(db_session, case.coordinator, call),
        "conference": lambda: plans.record_conference(
            case.coordinator, plan, Conference(date(2026, 5, 3), "Elsewhere", "Nobody", False)
        ),
    }
    for name, change in changes.items():
        with pytest.raises(PlanRefused) as refused:
            change()
        assert refused.value.reason == "not_a_draft", name
        db_session.rollback()

    db_session.expire_all()
    stored = db_session.get(Plan, plan.id)
    assert stored.status is status
    assert [(c.kind, c.description, [m.name for m in c.supporters]) for c in stored.commitments] == [
        (CommitmentKind.BIRTHDAY_CALL, "Nan rings on Jay's birthday", ["Nan"]),
        (CommitmentKind.OUTING, "Dev takes Jay to a match", ["Nan", "Dev"]),
    ]
    assert (stored.conference_on, stored.conference_place) == (date(2026, 5, 2), "Riverside family centre")


def test_a_draft_is_changed_freely_before_it_is_agreed(db_session, case):
    nan, dev = person(db_session, case, name="Nan"), person(db_session, case, name="Dev")
    plan = make_first_plan(db_session, case, nan, dev)
    call, outing = plan.commitments
    plans.change_commitment(case.coordinator, call, MATCHES, [dev], case.state(db_session))
    plans.remove_commitment(db_session, case.coordinator, outing)
    db_session.commit()
    db_session.expire_all()
    stored = db_session.get(Plan, plan.id)
    assert [(c.kind, c.interval, [m.name for m in c.supporters]) for c in stored.commitments] == [
        (CommitmentKind.OUTING, 2, ["Dev"])
    ]


def test_a_review_carries_the_plan_forward_and_keeps_its_history(db_session, case):
    nan, dev = person(db_session, case, name="Nan"), person(db_session, case, name="Dev")
    first = make_first_plan(db_session, case, nan, dev)
    advance(db_session, case, first, PlanStatus.ACTIVE)
    kept = factories.occurrence(db_session, first.commitments[0], due_on=date(2026, 3, 14))
    db_session.commit()

    second = plans.start_draft(db_session, case.coordinator, case.young_person)
    db_session.commit()
    assert (second.version, second.status, second.supersedes_id) == (2, PlanStatus.DRAFT, first.id)
    assert second.review_due_on == date(2026, 11, 2)
    assert [
        (
            c.kind,
            c.description,
            c.schedule,
            c.starts_on,
            c.interval,
            c.window_days_after,
            c.checked_by,
            [m.name for m in c.supporters],
        )
        for c in second.commitments
    ] == [
        (
            c.kind,
            c.description,
            c.schedule,
            c.starts_on,
            c.interval,
            c.window_days_after,
            c.checked_by,
            [m.name for m in c.supporters],
        )
        for c in first.commitments
    ]
    assert {c.id for c in second.commitments}.isdisjoint({c.id for c in first.commitments})

    # Changing the new version leaves the old one as it was agreed.
    plans.change_commitment(case.coordinator, second.commitments[1], MATCHES, [dev], case.state(db_session))
    plans.remove_commitment(db_session, case.coordinator, second.commitments[0])
    db_session.commit()

    # Until version 2 starts, version 1 is the plan in force (and the one the young person sees).
    for status in (PlanStatus.DRAFT, PlanStatus.AGREED_AT_CONFERENCE, PlanStatus.AGREED_BY_SOCIAL_WORKER):
        advance(db_session, case, second, status)
        db_session.expire_all()
        assert db_session.get(Plan, first.id).status is PlanStatus.ACTIVE
    assert db_session.scalar(select(func.count()).select_from(NetworkSnapshot)) == 1  # only the conference's

    plans.start(db_session, case.coordinator, second, None)
    db_session.commit()

    db_session.expire_all()
    versions = plans.plans_of(db_session, case.young_person)
    assert [(p.version, p.status) for p in versions] == [(2, PlanStatus.ACTIVE), (1, PlanStatus.SUPERSEDED)]
    old = versions[1]
    assert [(c.kind, [m.name for m in c.supporters]) for c in old.commitments] == [
        (CommitmentKind.BIRTHDAY_CALL, ["Nan"]),
        (CommitmentKind.OUTING, ["Nan", "Dev"]),
    ]
    assert kept.id in [o.id for o in old.commitments[0].occurrences]  # history stays with version 1
    assert [(c.kind, [m.name for m in c.supporters]) for c in versions[0].commitments] == [
        (CommitmentKind.OUTING, ["Dev"])
    ]
    assert versions[0].review_due_on == date(2026, 11, 2)  # kept from version 1 when none is given
    assert plans.shown_plan(versions) is versions[0] and plans.working_plan(versions) is versions[0]
    assert db_session.get(YoungPerson, case.young_person.id).status is CaseStatus.REVIEWING


def test_a_carried_forward_version_needs_no_second_conference(db_session, case):
    nan = person(db_session, case)
    first = make_first_plan(db_session, case, nan)
    advance(db_session, case, first, PlanStatus.ACTIVE)
    second = plans.start_draft(db_session, case.coordinator, case.young_person)
    assert second.conference_on is None
    plans.agree_at_conference(db_session, case.coordinator, second)
    assert second.status is PlanStatus.AGREED_AT_CONFERENCE


def test_what_the_young_person_and_staff_see_of_each_version(db_session, case):
    nan = person(db_session, case)
    first = make_first_plan(db_session, case, nan)
    assert plans.shown_plan(plans.plans_of(db_session, case.young_person)) is None  # drafts are not shown
    assert plans.working_plan(plans.plans_of(db_session, case.young_person)) is first
    plans.agree_at_conference(db_session, case.coordinator, first)
    db_session.commit()
    assert plans.shown_plan(plans.plans_of(db_session, case.young_person)) is first


def test_no_one_is_attached_while_the_young_person_has_paused(db_session, case):
    nan = person(db_session, case)
    plan = draft(db_session, case)
    consent.record(
        db_session,
        case.young_person,
        ConsentKind.YOUNG_PERSON_AGREEMENT,
        Decision.WITHDRAWN,
        actor=case.coordinator,
        channel=Channel.IN_PERSON,
        wording=WORDS,
        now=NOW,
        recorded_by_staff=True,
    )
    db_session.commit()
    with pytest.raises(PlanRefused) as refused:
        plans.add_commitment(db_session, case.coordinator, plan, BIRTHDAY_CALL, [nan], case.state(db_session))
    assert refused.value.reason == "not_a_supporter"


@pytest.mark.parametrize("step", ["agree_at_conference", "start"])
def test_agreeing_or_starting_checks_every_supporter_again(db_session, case, step):
    """Someone marked do-not-contact after the draft was written cannot be agreed into the plan."""
    nan = person(db_session, case)
    plan = make_first_plan(db_session, case, nan)
    if step == "start":
        plans.agree_at_conference(db_session, case.coordinator, plan)
        plans.agree_as_social_worker(db_session, case.social_worker, plan, date(2026, 5, 3))
        db_session.commit()
    nan.safety_status = SafetyStatus.DO_NOT_CONTACT
    db_session.commit()
    with pytest.raises(PlanRefused) as refused:
        if step == "start":
            plans.start(db_session, case.coordinator, plan, None)
        else:
            plans.agree_at_conference(db_session, case.coordinator, plan)
    assert refused.value.reason == "not_a_supporter"
    assert plan.status is (PlanStatus.AGREED_BY_SOCIAL_WORKER if step == "start" else PlanStatus.DRAFT)
