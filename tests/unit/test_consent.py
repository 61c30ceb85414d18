"""The consent ledger (app/domain/consent.py) on a real database: what ``may()`` allows, how it is kept.

The property tests record random sequences of decisions through ``consent.record`` and check, after every
step, that the state read back is the latest decision and that nothing involving a person happens without
the young person's agreement and their "yes" to that person. Each example makes its own young person and
rolls back at the end, so examples never see each other's data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event as sa_event
from sqlalchemy import func, inspect, select

from app.domain import consent
from app.domain.consent import ADULT, Action, Wording, age_on, load_state, may, member_scope
from app.models import (
    AuditEvent,
    Channel,
    ConsentEvent,
    ConsentKind,
    Decision,
    LegalStatus,
    NetworkMember,
    Role,
    SafetyStatus,
    YoungPerson,
)
from tests import factories

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
CHILD_BORN = date(2010, 1, 10)  # 16 on TODAY
CARE_LEAVER_BORN = date(2007, 1, 10)  # 19 on TODAY

WORDINGS = {
    ConsentKind.YOUNG_PERSON_AGREEMENT: Wording(
        "young_person_agreement", "1", "en", "Yes, I want to take part in Lifelong Links."
    ),
    ConsentKind.PR_REFERRAL: Wording(
        "pr_referral", "1", "en", "The person or council with parental responsibility agrees."
    ),
    ConsentKind.CONTACT_PERSON: Wording(
        "contact_person", "1", "en", "Is it OK to get in touch with %(name)s?"
    ),
    ConsentKind.SUPPORTER_PARTICIPATION: Wording("supporter_participation", "1", "en", "Taking part means…"),
    ConsentKind.SHARING: Wording("sharing", "1", "en", "Share my birthday."),
}
MEMBER_ACTIONS = (
    Action.CONTACT,
    Action.INVITE_SUPPORTER,
    Action.ASK_TO_TAKE_PART,
    Action.SUPPORTER_SEES_YOUNG_PERSON,
    Action.SEND_MESSAGES,  # messages to this person
)
# What a person can get from the app: each needs the young person's "yes" to that person.
NEEDS_CONTACT_CONSENT = (
    Action.CONTACT,
    Action.INVITE_SUPPORTER,
    Action.SUPPORTER_SEES_YOUNG_PERSON,
    Action.SEND_MESSAGES,
)


def record(session, young_person, kind, decision, *, actor, scope="", now=NOW, **values) -> ConsentEvent:
    # Staff record other people's decisions only as told to them: say so unless a test says otherwise.
    values.setdefault(
        "recorded_by_staff", actor is not None and actor.is_staff and kind is not ConsentKind.PR_REFERRAL
    )
    return consent.record(
        session,
        young_person,
        kind,
        decision,
        actor=actor,
        channel=Channel.IN_PERSON if actor is not None and actor.is_staff else Channel.APP,
        wording=WORDINGS[kind],
        now=now,
        scope=scope,
        **values,
    )


def allowed(state, on: date, members) -> dict[str, bool]:
    """Everything ``may()`` answers for this young person and their people, by a readable name."""
    answers = {
        "take_part": may(state, Action.TAKE_PART, on),
        "send_messages": may(
            state, Action.SEND_MESSAGES, on
        ),  # about the young person, to no one in particular
    }
    for index, member in enumerate(members):
        for action in MEMBER_ACTIONS:
            answers[f"{action.value}:{index}"] = may(state, action, on, member=member)
    return answers


def audit_rows(session, event: ConsentEvent) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.object_public_id == event.public_id)))


def columns(row) -> dict:
    return {attribute.key: getattr(row, attribute.key) for attribute in inspect(type(row)).column_attrs}


@dataclass
class Case:
    young_person: YoungPerson
    own_account: object
    members: list[NetworkMember]


def make_case(session, organisation, *, born=CHILD_BORN, legal_status=LegalStatus.CARE_ORDER, members=2):
    own_account = factories.account(session, role=Role.YOUNG_PERSON, organisation=organisation)
    young_person = factories.young_person(
        session, organisation, account_id=own_account.id, date_of_birth=born, legal_status=legal_status
    )
    people = [factories.network_member(session, young_person) for _ in range(members)]
    return Case(young_person, own_account, people)


@pytest.fixture
def child(db_session, organisation) -> Case:
    case = make_case(db_session, organisation)
    db_session.commit()
    return case


def taking_part(session, case: Case, staff, *members: NetworkMember, participation=Decision.GIVEN) -> None:
    """PR consent, the young person's agreement, and "yes" to contacting ``members``."""
    record(
        session, case.young_person, ConsentKind.PR_REFERRAL, Decision.GIVEN, actor=staff, pr_holder="Council"
    )
    record(
        session, case.young_person, ConsentKind.YOUNG_PERSON_AGREEMENT, Decision.GIVEN, actor=case.own_account
    )
    for member in members:
        scope = member_scope(member)
        record(
            session,
            case.young_person,
            ConsentKind.CONTACT_PERSON,
            Decision.GIVEN,
            actor=case.own_account,
            scope=scope,
        )
        if participation is not None:
            record(
                session,
                case.young_person,
                ConsentKind.SUPPORTER_PARTICIPATION,
                participation,
                actor=staff,
                scope=scope,
            )


# -- properties --------------------------------------------------------------------------------------------

AGREEMENT, PR = "agreement", "pr"
# (what, member index): member 2 is "do not contact", whatever the ledger says about them.
TARGETS = [
    (AGREEMENT, None),
    (PR, None),
    *((ConsentKind.CONTACT_PERSON, index) for index in range(3)),
    *((ConsentKind.SUPPORTER_PARTICIPATION, index) for index in range(3)),
]
SITUATIONS = {
    "child in care": (CHILD_BORN, LegalStatus.CARE_ORDER),
    "section 20": (CHILD_BORN, LegalStatus.SECTION_20),
    "care leaver": (CARE_LEAVER_BORN, LegalStatus.CARE_LEAVER),
}
steps = st.lists(
    st.tuples(st.sampled_from(TARGETS), st.sampled_from(list(Decision)), st.booleans()),
    min_size=1,
    max_size=14,
)
DB_PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Ledger:
    """One example's young person, and what the test itself remembers was decided last."""

    def __init__(self, session, organisation, staff, situation: str) -> None:
        born, legal_status = SITUATIONS[situation]
        case = make_case(session, organisation, born=born, legal_status=legal_status, members=3)
        case.members[2].safety_status = SafetyStatus.DO_NOT_CONTACT
        session.flush()
        self.session, self.staff, self.case = session, staff, case
        self.child = legal_status is not LegalStatus.CARE_LEAVER
        self.expected: dict[tuple[ConsentKind, str], Decision] = {}
        self.clock = NOW

    def apply(self, target, decision: Decision, in_person: bool) -> None:
        what, index = target
        young_person, own = self.case.young_person, self.case.own_account
        if what == AGREEMENT:
            # The young person's own decision: in the app, or told to staff who record it for them.
            kind, scope, actor, by_staff = ConsentKind.YOUNG_PERSON_AGREEMENT, "", own, False
            if in_person:
                actor, by_staff = self.staff, True
        elif what == PR:
            kind, scope, actor, by_staff = ConsentKind.PR_REFERRAL, "", self.staff, False
        else:
            kind, scope = what, member_scope(self.case.members[index])
            actor = own if kind is ConsentKind.CONTACT_PERSON else self.staff
            by_staff = actor is self.staff  # a supporter's answer, told to the coordinator
        self.clock += timedelta(minutes=1)
        record(
            self.session,
            young_person,
            kind,
            decision,
            actor=actor,
            scope=scope,
            now=self.clock,
            recorded_by_staff=by_staff,
        )
        self.expected[(kind, scope)] = decision

    def last(self, kind: ConsentKind, scope: str = "") -> Decision | None:
        return self.expected.get((kind, scope))

    def check(self) -> dict[str, bool]:
        """Read the ledger back and check every rule; return what is allowed now."""
        state = load_state(self.session, self.case.young_person)
        assert {key: e.decision for key, e in state.latest.items()} == self.expected
        for (kind, scope), decision in self.expected.items():
            assert state.decision(kind, scope) is decision

        answers = allowed(state, TODAY, self.case.members)
        agreed = self.last(ConsentKind.YOUNG_PERSON_AGREEMENT) is Decision.GIVEN
        if not agreed:
            assert not any(answers.values()), "nothing may happen while the young person has not agreed"
        active = agreed and (not self.child or self.last(ConsentKind.PR_REFERRAL) is Decision.GIVEN)
        assert answers["take_part"] is active
        assert answers["send_messages"] is active
        for index, member in enumerate(self.case.members):
            scope = member_scope(member)
            contact = self.last(ConsentKind.CONTACT_PERSON, scope)
            participation = self.last(ConsentKind.SUPPORTER_PARTICIPATION, scope)
            if contact is not Decision.GIVEN or member.do_not_contact:
                for action in (*NEEDS_CONTACT_CONSENT, Action.ASK_TO_TAKE_PART):
                    assert not answers[f"{action.value}:{index}"], (action, contact, member.safety_status)
            reachable = active and contact is Decision.GIVEN and not member.do_not_contact
            # And what should be allowed is: otherwise a ledger that refuses everything would pass.
            assert answers[f"ask_to_take_part:{index}"] is reachable
            assert answers[f"contact:{index}"] is (reachable and participation is not Decision.DECLINED)
            assert answers[f"invite_supporter:{index}"] is (
                reachable and participation is not Decision.DECLINED
            )
            assert answers[f"supporter_sees_young_person:{index}"] is (
                reachable and participation is Decision.GIVEN
            )
            assert answers[f"send_messages:{index}"] is (reachable and participation is Decision.GIVEN)
        return answers


@DB_PROPERTY
@given(situation=st.sampled_from(list(SITUATIONS)), sequence=steps)
def test_the_ledger_answers_from_the_latest_decisions(
    db_session, organisation, coordinator, situation, sequence
):
    ledger = Ledger(db_session, organisation, coordinator, situation)
    try:
        answers = ledger.check()
        assert not any(answers.values())
        before_withdrawal = None
        for target, decision, in_person in sequence:
            was_agreed = ledger.last(ConsentKind.YOUNG_PERSON_AGREEMENT) is Decision.GIVEN
            previous = answers
            ledger.apply(target, decision, in_person)
            answers = ledger.check()
            if target[0] != AGREEMENT:
                before_withdrawal = None
            elif decision is not Decision.GIVEN and was_agreed:
                before_withdrawal = previous
            elif decision is Decision.GIVEN and before_withdrawal is not None:
                assert answers == before_withdrawal, "saying yes again restores exactly what was allowed"
                before_withdrawal = None
    finally:
        db_session.rollback()


@DB_PROPERTY
@given(situation=st.sampled_from(list(SITUATIONS)), sequence=steps, in_person=st.booleans())
def test_stopping_then_starting_again_restores_exactly_what_was_allowed(
    db_session, organisation, coordinator, situation, sequence, in_person
):
    ledger = Ledger(db_session, organisation, coordinator, situation)
    try:
        for target, decision, by_staff in sequence:
            ledger.apply(target, decision, by_staff)
        ledger.apply((AGREEMENT, None), Decision.GIVEN, in_person)
        before = ledger.check()

        ledger.apply((AGREEMENT, None), Decision.WITHDRAWN, in_person)
        paused = ledger.check()
        assert not any(paused.values())
        state = load_state(db_session, ledger.case.young_person)
        assert state.paused and state.paused_since == ledger.clock

        ledger.apply((AGREEMENT, None), Decision.GIVEN, not in_person)
        assert ledger.check() == before
    finally:
        db_session.rollback()


@settings(max_examples=300)
@given(born=st.dates(date(1996, 1, 1), date(2030, 12, 31)), days=st.integers(0, 40 * 366))
def test_age_counts_the_birthdays_passed(born, days):
    on = born + timedelta(days=days)

    def birthday(years: int) -> date:
        try:
            return born.replace(year=born.year + years)
        except ValueError:  # 29 February in a year without one: the birthday is 1 March
            return date(born.year + years, 3, 1)

    assert age_on(born, on) == max(n for n in range(0, 42) if birthday(n) <= on)


# -- age and parental responsibility ------------------------------------------------------------------------

LEAP_BORN = date(2008, 2, 29)


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (LEAP_BORN, 0),
        (date(2009, 2, 28), 0),
        (date(2009, 3, 1), 1),
        (date(2026, 2, 28), 17),  # the day before the 18th birthday in a year without 29 February
        (date(2026, 3, 1), 18),
        (date(2028, 2, 28), 19),  # in a leap year the birthday is the 29th itself
        (date(2028, 2, 29), 20),
        (date(2028, 3, 1), 20),
    ],
)
def test_age_on_a_29_february_birthday(on, age):
    assert age_on(LEAP_BORN, on) == age


@pytest.mark.parametrize("legal_status", [LegalStatus.CARE_ORDER, LegalStatus.SECTION_20])
def test_pr_consent_is_needed_until_the_18th_birthday(db_session, organisation, legal_status):
    case = make_case(db_session, organisation, born=date(2008, 5, 10), legal_status=legal_status)
    state = load_state(db_session, case.young_person)

    assert state.pr_consent_needed(date(2020, 1, 1))
    assert state.pr_consent_needed(date(2026, 5, 9))
    assert not state.pr_consent_needed(date(2026, 5, 10))
    assert not state.pr_consent_needed(date(2031, 1, 1))


def test_pr_consent_for_a_29_february_child_ends_on_1_march(db_session, organisation):
    case = make_case(db_session, organisation, born=LEAP_BORN)
    state = load_state(db_session, case.young_person)

    assert state.pr_consent_needed(date(2026, 2, 28))
    assert not state.pr_consent_needed(date(2026, 3, 1))


@pytest.mark.parametrize("legal_status", [LegalStatus.CARE_LEAVER, LegalStatus.SELF_REFERRED])
@pytest.mark.parametrize("born", [CHILD_BORN, CARE_LEAVER_BORN])
def test_pr_consent_is_never_needed_for_care_leavers_or_self_referrals(
    db_session, organisation, legal_status, born
):
    case = make_case(db_session, organisation, born=born, legal_status=legal_status)
    assert not load_state(db_session, case.young_person).pr_consent_needed(TODAY)


def test_a_16_year_old_takes_part_only_with_their_agreement_and_pr_consent(db_session, child, coordinator):
    young_person = child.young_person

    def active() -> bool:
        state = load_state(db_session, young_person)
        assert state.active(TODAY) is may(state, Action.TAKE_PART, TODAY)
        return state.active(TODAY)

    assert age_on(young_person.date_of_birth, TODAY) == 16
    assert not active()
    record(
        db_session, young_person, ConsentKind.YOUNG_PERSON_AGREEMENT, Decision.GIVEN, actor=child.own_account
    )
    assert not active()
    record(
        db_session, young_person, ConsentKind.PR_REFERRAL, Decision.GIVEN, actor=coordinator, pr_holder="Mum"
    )
    assert active()
    record(db_session, young_person, ConsentKind.PR_REFERRAL, Decision.WITHDRAWN, actor=coordinator)
    assert not active()
    record(db_session, young_person, ConsentKind.PR_REFERRAL, Decision.GIVEN, actor=coordinator)
    record(
        db_session,
        young_person,
        ConsentKind.YOUNG_PERSON_AGREEMENT,
        Decision.WITHDRAWN,
        actor=child.own_account,
    )
    assert not active()


def test_pr_consent_alone_does_not_make_a_referral_active(db_session, child, coordinator):
    record(db_session, child.young_person, ConsentKind.PR_REFERRAL, Decision.GIVEN, actor=coordinator)
    assert not load_state(db_session, child.young_person).active(TODAY)


def test_a_19_year_old_care_leaver_takes_part_on_their_agreement_alone(db_session, organisation):
    case = make_case(db_session, organisation, born=CARE_LEAVER_BORN, legal_status=LegalStatus.CARE_LEAVER)
    assert not load_state(db_session, case.young_person).active(TODAY)

    record(
        db_session,
        case.young_person,
        ConsentKind.YOUNG_PERSON_AGREEMENT,
        Decision.GIVEN,
        actor=case.own_account,
    )

    state = load_state(db_session, case.young_person)
    assert state.active(TODAY)
    assert may(state, Action.TAKE_PART, TODAY)
    assert not state.needs_adult_confirmation(TODAY)


def test_turning_18_asks_for_adult_agreement_and_changes_nothing_supporters_see(
    db_session, organisation, coordinator
):
    case = make_case(db_session, organisation, born=date(2008, 5, 10))
    taking_part(db_session, case, coordinator, *case.members)
    eve, birthday, later = date(2026, 5, 9), date(2026, 5, 10), date(2026, 9, 1)

    state = load_state(db_session, case.young_person)
    seen = allowed(state, eve, case.members)
    assert all(seen.values())
    assert not state.needs_adult_confirmation(eve)
    assert state.needs_adult_confirmation(birthday)
    assert state.needs_adult_confirmation(later)
    assert allowed(state, birthday, case.members) == seen
    assert allowed(state, later, case.members) == seen

    record(
        db_session,
        case.young_person,
        ConsentKind.YOUNG_PERSON_AGREEMENT,
        Decision.GIVEN,
        actor=case.own_account,
        scope=ADULT,
        now=datetime(2026, 5, 10, 9, tzinfo=UTC),
    )
    state = load_state(db_session, case.young_person)
    assert not state.needs_adult_confirmation(birthday)
    assert not state.needs_adult_confirmation(later)
    assert allowed(state, birthday, case.members) == seen
    assert allowed(state, later, case.members) == seen


def test_no_adult_agreement_is_asked_of_someone_who_has_not_agreed(db_session, organisation):
    case = make_case(db_session, organisation, born=date(2008, 5, 10))
    assert not load_state(db_session, case.young_person).needs_adult_confirmation(date(2026, 5, 10))


# -- people ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("safety", [SafetyStatus.DO_NOT_CONTACT, SafetyStatus.UNCHECKED])
def test_a_person_not_checked_as_safe_is_never_reachable_whatever_the_ledger_says(
    db_session, child, coordinator, safety
):
    unsafe, safe = child.members
    unsafe.safety_status = safety
    taking_part(db_session, child, coordinator, unsafe, safe)
    record(
        db_session,
        child.young_person,
        ConsentKind.SUPPORTER_PARTICIPATION,
        Decision.GIVEN,
        actor=coordinator,
        scope=member_scope(unsafe),
    )

    state = load_state(db_session, child.young_person)
    assert state.contact_choice(unsafe) is Decision.GIVEN
    for action in MEMBER_ACTIONS:
        assert not may(state, action, TODAY, member=unsafe), action
        assert may(state, action, TODAY, member=safe), action


def test_a_person_marked_do_not_contact_later_is_unreachable_at_once(db_session, child, coordinator):
    member = child.members[0]
    taking_part(db_session, child, coordinator, member)
    state = load_state(db_session, child.young_person)
    assert may(state, Action.SUPPORTER_SEES_YOUNG_PERSON, TODAY, member=member)

    member.safety_status = SafetyStatus.DO_NOT_CONTACT

    for action in MEMBER_ACTIONS:
        assert not may(state, action, TODAY, member=member), action


def test_someone_elses_network_member_is_never_reachable(db_session, organisation, child, coordinator):
    other = make_case(db_session, organisation)
    taking_part(db_session, child, coordinator, *child.members)
    taking_part(db_session, other, coordinator, *other.members)

    state = load_state(db_session, child.young_person)
    for action in MEMBER_ACTIONS:
        assert not may(state, action, TODAY, member=other.members[0]), action


def test_a_person_who_said_no_thank_you_is_not_invited_but_may_still_come_back(
    db_session, child, coordinator
):
    member = child.members[0]
    taking_part(db_session, child, coordinator, member, participation=Decision.DECLINED)

    state = load_state(db_session, child.young_person)
    assert not may(state, Action.INVITE_SUPPORTER, TODAY, member=member)
    assert not may(state, Action.SUPPORTER_SEES_YOUNG_PERSON, TODAY, member=member)
    assert not may(state, Action.CONTACT, TODAY, member=member)
    assert not may(state, Action.SEND_MESSAGES, TODAY, member=member)
    assert may(state, Action.ASK_TO_TAKE_PART, TODAY, member=member)

    # They change their mind themselves.
    supporter = factories.account(db_session, role=Role.SUPPORTER)
    member.account_id = supporter.id
    record(
        db_session,
        child.young_person,
        ConsentKind.SUPPORTER_PARTICIPATION,
        Decision.GIVEN,
        actor=supporter,
        scope=member_scope(member),
    )
    state = load_state(db_session, child.young_person)
    assert may(state, Action.SUPPORTER_SEES_YOUNG_PERSON, TODAY, member=member)
    assert may(state, Action.INVITE_SUPPORTER, TODAY, member=member)
    assert may(state, Action.SEND_MESSAGES, TODAY, member=member)


@pytest.mark.parametrize("decision", [Decision.WITHDRAWN, Decision.DECLINED])
def test_no_messages_go_to_someone_the_young_person_stopped_contact_with(
    db_session, child, coordinator, decision
):
    member = child.members[0]
    taking_part(db_session, child, coordinator, member)
    state = load_state(db_session, child.young_person)
    assert may(state, Action.SEND_MESSAGES, TODAY, member=member)

    record(
        db_session,
        child.young_person,
        ConsentKind.CONTACT_PERSON,
        decision,
        actor=child.own_account,
        scope=member_scope(member),
    )

    state = load_state(db_session, child.young_person)
    assert may(state, Action.SEND_MESSAGES, TODAY)  # messages about the young person to others still go
    assert not may(state, Action.SEND_MESSAGES, TODAY, member=member)


# -- how decisions are recorded ------------------------------------------------------------------------------


def test_staff_record_a_young_persons_agreement_only_as_told_in_person(db_session, child, coordinator):
    with pytest.raises(ValueError, match="in person"):
        record(
            db_session,
            child.young_person,
            ConsentKind.YOUNG_PERSON_AGREEMENT,
            Decision.GIVEN,
            actor=coordinator,
            recorded_by_staff=False,
        )
    assert db_session.scalar(select(func.count()).select_from(ConsentEvent)) == 0
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == 0

    event = record(
        db_session,
        child.young_person,
        ConsentKind.YOUNG_PERSON_AGREEMENT,
        Decision.GIVEN,
        actor=coordinator,
        recorded_by_staff=True,
    )
    assert event.recorded_by_staff
    assert event.actor_account_id == coordinator.id
    assert event.actor_role == "coordinator"
    assert load_state(db_session, child.young_person).agreed


@pytest.mark.parametrize("role", [Role.YOUNG_PERSON, Role.SUPPORTER, None])
def test_pr_consent_is_recorded_only_by_staff(db_session, child, role):
    actor = (
        factories.account(db_session, role=role, organisation=child.young_person.organisation)
        if role
        else None
    )
    with pytest.raises(ValueError, match="parental responsibility"):
        record(db_session, child.young_person, ConsentKind.PR_REFERRAL, Decision.GIVEN, actor=actor)
    assert db_session.scalar(select(func.count()).select_from(ConsentEvent)) == 0
    assert load_state(db_session, child.young_person).decision(ConsentKind.PR_REFERRAL) is None


def test_every_decision_writes_one_audit_row_in_the_same_transaction(db_session, child, coordinator):
    member = child.members[0]
    made = [
        record(db_session, child.young_person, ConsentKind.PR_REFERRAL, Decision.GIVEN, actor=coordinator),
        record(
            db_session,
            child.young_person,
            ConsentKind.YOUNG_PERSON_AGREEMENT,
            Decision.GIVEN,
            actor=child.own_account,
        ),
        record(
            db_session,
            child.young_person,
            ConsentKind.CONTACT_PERSON,
            Decision.WITHDRAWN,
            actor=child.own_account,
            scope=member_scope(member),
        ),
    ]
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == len(made)
    for event in made:
        (row,) = audit_rows(db_session, event)
        assert row.action == f"consent.{event.kind.value}.{event.decision.value}"
        assert row.object_type == "consent_event"
        assert row.young_person_id == child.young_person.id
        assert row.organisation_id == child.young_person.organisation_id
        assert row.actor_account_id == event.actor_account_id
        assert row.actor_role == event.actor_role
        assert row.detail == ({"scope": event.scope} if event.scope else None)

    db_session.rollback()

    assert db_session.scalar(select(func.count()).select_from(ConsentEvent)) == 0
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_stored_fingerprint_is_of_the_exact_words_shown(db_session, child):
    words = "نعم، أريد المشاركة في Lifelong Links.\n  Rwy'n cytuno — %(name)s "
    wording = Wording("young_person_agreement", "3", "ar", words)
    event = consent.record(
        db_session,
        child.young_person,
        ConsentKind.YOUNG_PERSON_AGREEMENT,
        Decision.GIVEN,
        actor=child.own_account,
        channel=Channel.APP,
        wording=wording,
        now=NOW,
    )
    db_session.commit()
    db_session.expire_all()

    stored = db_session.get(ConsentEvent, event.id)
    assert stored.wording_sha256 == hashlib.sha256(words.encode("utf-8")).hexdigest()
    assert stored.wording_sha256 != hashlib.sha256(words.strip().encode("utf-8")).hexdigest()
    assert (stored.wording_key, stored.wording_version, stored.wording_language) == (
        "young_person_agreement",
        "3",
        "ar",
    )
    assert stored.decided_on == TODAY


def test_decisions_are_appended_and_never_changed(app, db_session, child, coordinator):
    statements: list[str] = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement.lower())

    engine = app.extensions["db"]
    sa_event.listen(engine, "before_cursor_execute", remember)
    try:
        first = record(
            db_session,
            child.young_person,
            ConsentKind.YOUNG_PERSON_AGREEMENT,
            Decision.GIVEN,
            actor=child.own_account,
        )
        db_session.commit()
        db_session.expire_all()
        as_first_stored = columns(db_session.get(ConsentEvent, first.id))

        later = NOW + timedelta(days=1)
        second = record(
            db_session,
            child.young_person,
            ConsentKind.YOUNG_PERSON_AGREEMENT,
            Decision.WITHDRAWN,
            actor=coordinator,
            recorded_by_staff=True,
            now=later,
        )
        db_session.commit()
        db_session.expire_all()
    finally:
        sa_event.remove(engine, "before_cursor_execute", remember)

    assert [e.id for e in consent.history(db_session, child.young_person)] == [second.id, first.id]
    assert columns(db_session.get(ConsentEvent, first.id)) == as_first_stored
    assert not [
        s for s in statements if "consent_events" in s and s.lstrip().startswith(("update", "delete"))
    ]
    state = load_state(db_session, child.young_person)
    assert state.event(ConsentKind.YOUNG_PERSON_AGREEMENT).id == second.id
    assert state.paused


def test_each_decision_is_made_only_by_the_person_it_belongs_to(db_session, child, organisation):
    """A supporter cannot make the young person's choices, nor anyone answer for a supporter."""
    member, other_member = child.members
    supporter = factories.account(db_session, role=Role.SUPPORTER)
    member.account_id = supporter.id
    stranger = factories.account(db_session, role=Role.YOUNG_PERSON, organisation=organisation)
    db_session.commit()
    for kind, scope in [
        (ConsentKind.YOUNG_PERSON_AGREEMENT, ""),
        (ConsentKind.CONTACT_PERSON, member_scope(member)),
        (ConsentKind.SHARING, "birthday"),
    ]:
        for actor in (supporter, stranger, None):
            with pytest.raises(ValueError, match="only the young person"):
                record(db_session, child.young_person, kind, Decision.GIVEN, actor=actor, scope=scope)
    for actor in (child.own_account, stranger, None):
        with pytest.raises(ValueError, match="only the supporter"):
            record(
                db_session,
                child.young_person,
                ConsentKind.SUPPORTER_PARTICIPATION,
                Decision.GIVEN,
                actor=actor,
                scope=member_scope(member),
            )
    with pytest.raises(ValueError, match="only the supporter"):
        record(
            db_session,
            child.young_person,
            ConsentKind.SUPPORTER_PARTICIPATION,
            Decision.GIVEN,
            actor=supporter,
            scope=member_scope(other_member),
        )
    record(
        db_session,
        child.young_person,
        ConsentKind.SUPPORTER_PARTICIPATION,
        Decision.GIVEN,
        actor=supporter,
        scope=member_scope(member),
    )
    assert db_session.scalar(select(func.count()).select_from(ConsentEvent)) == 1
