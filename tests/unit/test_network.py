"""The young person's network on a real database: safety checks, who the young person sees, suggestions,
what they want from Lifelong Links, places in their story, the network's size over time, reviews, and
where everyone sits in the circles drawing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.domain import circles, consent, network, objectives, permissions, plans, reviews
from app.models import (
    Account,
    AuditEvent,
    ConsentKind,
    ContactMethod,
    ContactStatus,
    Decision,
    FamilySide,
    MemberKind,
    NetworkMember,
    NetworkSnapshot,
    Objective,
    OccurrenceStatus,
    Place,
    PlanStatus,
    Review,
    ReviewKind,
    Role,
    SafetyStatus,
    SnapshotOccasion,
    YoungPerson,
)
from tests import factories
from tests.helpers import count_queries

NOW = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


@dataclass
class Case:
    young_person: YoungPerson
    coordinator: Account
    social_worker: Account


@pytest.fixture
def case(db_session, organisation, coordinator, social_worker) -> Case:
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


def audit_actions(session, member) -> list[tuple[str, str | None, dict | None]]:
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.actor_role, AuditEvent.detail)
        .where(AuditEvent.object_public_id == member.public_id)
        .order_by(AuditEvent.id)
    )
    return [tuple(row) for row in rows]


def someone_else(session, organisation, other_organisation, who: str) -> Account:
    """Staff who must not touch Jay's network: another role here, or a coordinator of another council."""
    if who == "other council's coordinator":
        return factories.account(session, role=Role.COORDINATOR, organisation=other_organisation)
    role = Role(who)
    return factories.account(
        session, role=role, organisation=None if role is Role.SUPPORTER else organisation
    )


NOT_EDITORS = ["iro", "manager", "admin", "young_person", "supporter", "other council's coordinator"]


# Safety checks


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SOCIAL_WORKER])
def test_coordinators_and_social_workers_decide_safety_with_a_reason_kept_with_who_and_when(
    db_session, case, role
):
    actor = case.coordinator if role is Role.COORDINATOR else case.social_worker
    member = factories.network_member(db_session, case.young_person, safety_status=SafetyStatus.UNCHECKED)
    db_session.commit()

    network.set_safety(
        db_session, actor, member, SafetyStatus.SAFE, "  Checked with the police and Nan's GP.  ", NOW
    )
    db_session.commit()

    db_session.expire_all()
    stored = db_session.get(NetworkMember, member.id)
    assert stored.safety_status is SafetyStatus.SAFE
    assert stored.safety_reason == "Checked with the police and Nan's GP."
    assert stored.safety_decided_by_id == actor.id
    assert stored.safety_decided_at.replace(tzinfo=UTC) == NOW
    assert audit_actions(db_session, member) == [("network.safety", role.value, {"status": "safe"})]

    network.set_safety(db_session, actor, stored, SafetyStatus.DO_NOT_CONTACT, "New information", NOW)
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(NetworkMember, member.id).safety_reason == "New information"


@pytest.mark.parametrize("who", NOT_EDITORS)
def test_nobody_else_decides_safety(db_session, case, organisation, other_organisation, who):
    member = factories.network_member(db_session, case.young_person, safety_status=SafetyStatus.UNCHECKED)
    actor = someone_else(db_session, organisation, other_organisation, who)
    db_session.commit()
    with pytest.raises(network.NetworkRefused) as refused:
        network.set_safety(db_session, actor, member, SafetyStatus.SAFE, "Looks fine", NOW)
    assert refused.value.reason == "not_allowed"
    assert network.may_edit(actor, case.young_person) is False
    db_session.rollback()
    assert db_session.get(NetworkMember, member.id).safety_status is SafetyStatus.UNCHECKED
    assert audit_actions(db_session, member) == []


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_safety_decision_needs_a_reason(db_session, case, reason):
    member = factories.network_member(db_session, case.young_person, safety_status=SafetyStatus.UNCHECKED)
    db_session.commit()
    with pytest.raises(network.NetworkRefused) as refused:
        network.set_safety(db_session, case.coordinator, member, SafetyStatus.DO_NOT_CONTACT, reason, NOW)
    assert refused.value.reason == "reason_needed"
    assert member.safety_status is SafetyStatus.UNCHECKED
    assert (member.safety_decided_by_id, member.safety_reason) == (None, None)


# Who the young person sees


def test_do_not_contact_people_are_hidden_from_the_young_person_unless_the_coordinator_shows_them(
    db_session, case
):
    nan = factories.network_member(db_session, case.young_person, name="Nan")
    rose = factories.network_member(
        db_session, case.young_person, name="Rose", safety_status=SafetyStatus.UNCHECKED
    )
    gary = factories.network_member(db_session, case.young_person, name="Gary")
    dad = factories.network_member(db_session, case.young_person, name="Dad")
    db_session.commit()
    network.set_safety(db_session, case.coordinator, gary, SafetyStatus.DO_NOT_CONTACT, "Risk of harm", NOW)
    network.show_to_young_person(db_session, case.coordinator, gary, False)
    network.set_safety(db_session, case.coordinator, dad, SafetyStatus.DO_NOT_CONTACT, "Not yet safe", NOW)
    network.show_to_young_person(db_session, case.coordinator, dad, False)
    db_session.commit()

    assert [m.name for m in permissions.people_shown_to_young_person(case.young_person)] == ["Nan", "Rose"]
    assert permissions.own_network_member(db_session, case.young_person, gary.public_id) is None
    assert permissions.own_network_member(db_session, case.young_person, nan.public_id) is nan

    # Jay knows Dad is there and the coordinator decides Jay may see him listed; still do not contact.
    network.show_to_young_person(db_session, case.coordinator, dad, True)
    db_session.commit()
    db_session.expire_all()
    young_person = db_session.get(YoungPerson, case.young_person.id)
    assert [m.name for m in permissions.people_shown_to_young_person(young_person)] == ["Nan", "Rose", "Dad"]
    assert db_session.get(NetworkMember, dad.id).safety_status is SafetyStatus.DO_NOT_CONTACT
    assert [action for action, _role, _detail in audit_actions(db_session, dad)] == [
        "network.safety",
        "network.shown_to_young_person",
        "network.shown_to_young_person",
    ]
    assert audit_actions(db_session, dad)[-1][2] == {"shown": True}
    assert rose in permissions.people_shown_to_young_person(young_person)


@pytest.mark.parametrize("who", ["social_worker", *NOT_EDITORS])
def test_only_the_coordinator_decides_whether_a_do_not_contact_person_is_shown(
    db_session, case, organisation, other_organisation, who
):
    gary = factories.network_member(
        db_session,
        case.young_person,
        name="Gary",
        safety_status=SafetyStatus.DO_NOT_CONTACT,
        shown_to_young_person=False,
    )
    actor = (
        case.social_worker
        if who == "social_worker"
        else someone_else(db_session, organisation, other_organisation, who)
    )
    db_session.commit()
    with pytest.raises(network.NetworkRefused):
        network.show_to_young_person(db_session, actor, gary, True)
    db_session.rollback()
    assert db_session.get(NetworkMember, gary.id).shown_to_young_person is False
    assert permissions.people_shown_to_young_person(case.young_person) == []


# Adding and changing people, and the contact log


def test_staff_add_and_change_people_and_empty_details_are_not_known(db_session, case):
    details = network.PersonDetails(
        name="  Auntie Rose  ",
        relationship_label="Mum's sister",
        family_side=FamilySide.MOTHERS,
        circle=2,
        email="  ",
        phone="07700 900123",
        country="",
    )
    rose = network.add_person(db_session, case.social_worker, case.young_person, details)
    db_session.commit()
    db_session.expire_all()
    stored = db_session.get(NetworkMember, rose.id)
    assert (stored.name, stored.relationship_label, stored.family_side, stored.circle) == (
        "Auntie Rose",
        "Mum's sister",
        FamilySide.MOTHERS,
        2,
    )
    assert (stored.email, stored.phone, stored.country, stored.address) == (None, "07700 900123", None, None)
    assert (stored.safety_status, stored.kind, stored.deceased) == (
        SafetyStatus.UNCHECKED,
        MemberKind.PERSON,
        False,
    )

    network.change_person(
        db_session,
        case.coordinator,
        stored,
        network.PersonDetails(name="Rose", relationship_label="", kind=MemberKind.PERSON, deceased=True),
    )
    db_session.commit()
    db_session.expire_all()
    stored = db_session.get(NetworkMember, rose.id)
    assert (stored.name, stored.relationship_label, stored.deceased, stored.circle) == (
        "Rose",
        "",
        True,
        None,
    )
    assert [action for action, _role, _detail in audit_actions(db_session, rose)] == [
        "network.added",
        "network.changed",
    ]


@pytest.mark.parametrize("who", NOT_EDITORS)
def test_only_coordinators_and_social_workers_keep_the_network(
    db_session, case, organisation, other_organisation, who
):
    actor = someone_else(db_session, organisation, other_organisation, who)
    member = factories.network_member(db_session, case.young_person, name="Nan")
    db_session.commit()
    with pytest.raises(network.NetworkRefused, match="not_allowed"):
        network.add_person(db_session, actor, case.young_person, network.PersonDetails(name="Someone"))
    with pytest.raises(network.NetworkRefused, match="not_allowed"):
        network.change_person(db_session, actor, member, network.PersonDetails(name="Changed"))
    with pytest.raises(network.NetworkRefused, match="not_allowed"):
        network.log_contact(db_session, actor, member, date(2026, 4, 1), ContactMethod.PHONE, "Rang")
    db_session.rollback()
    assert [m.name for m in db_session.get(YoungPerson, case.young_person.id).network] == ["Nan"]


def test_the_contact_log_is_newest_first_with_who_logged_it(db_session, case):
    nan = factories.network_member(db_session, case.young_person, name="Nan")
    db_session.commit()
    network.log_contact(db_session, case.coordinator, nan, date(2026, 3, 1), ContactMethod.LETTER, " Wrote ")
    network.log_contact(
        db_session, case.social_worker, nan, date(2026, 4, 2), ContactMethod.PHONE, "Rang, she cried"
    )
    network.log_contact(db_session, case.coordinator, nan, date(2026, 3, 20), ContactMethod.VIDEO, "Video")
    db_session.commit()
    log = network.contact_log(db_session, nan)
    assert [(e.contacted_on, e.method, e.outcome, e.by_account_id) for e in log] == [
        (date(2026, 4, 2), ContactMethod.PHONE, "Rang, she cried", case.social_worker.id),
        (date(2026, 3, 20), ContactMethod.VIDEO, "Video", case.coordinator.id),
        (date(2026, 3, 1), ContactMethod.LETTER, "Wrote", case.coordinator.id),
    ]


# "I'd like to find…"


def test_a_suggestion_becomes_an_unchecked_person_for_the_coordinator(db_session, case, young_person_account):
    member = network.suggest_person(
        db_session, case.young_person, young_person_account, "  my big sister  ", "  She had a red bike  "
    )
    bare = network.suggest_person(db_session, case.young_person, young_person_account, "Mr Jones", "   ")
    db_session.commit()

    db_session.expire_all()
    stored = db_session.get(NetworkMember, member.id)
    assert (stored.name, stored.remembered, stored.relationship_label) == (
        "my big sister",
        "She had a red bike",
        "",
    )
    assert stored.suggested_by_young_person is True
    assert (stored.safety_status, stored.contact_status, stored.kind) == (
        SafetyStatus.UNCHECKED,
        ContactStatus.IDENTIFIED,
        MemberKind.PERSON,
    )
    assert db_session.get(NetworkMember, bare.id).remembered is None
    assert audit_actions(db_session, member) == [("network.suggested", "young_person", None)]
    # Nobody is contacted, or made a supporter, because they were suggested.
    state = consent.load_state(db_session, stored.young_person)
    assert state.contact_choice(stored) is None
    assert plans.may_support(state, stored) is False


# What I want from Lifelong Links


def test_wishes_are_added_changed_done_and_undone_in_the_young_persons_words(db_session, case, organisation):
    wish = objectives.add(db_session, case.young_person, "  find out about Dad's side  ")
    long = objectives.add(db_session, case.young_person, "x" * 400)
    db_session.commit()
    assert wish.text == "find out about Dad's side" and wish.done_at is None
    assert long.text == "x" * objectives.MAX_LENGTH

    objectives.change(wish, " see my sister at Christmas ")
    objectives.mark(wish, True, NOW)
    db_session.commit()
    db_session.expire_all()
    stored = db_session.get(Objective, wish.id)
    assert stored.text == "see my sister at Christmas"
    assert stored.done_at.replace(tzinfo=UTC) == NOW

    objectives.mark(stored, False, NOW)
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Objective, wish.id).done_at is None

    mo = factories.young_person(db_session, organisation=organisation)
    db_session.commit()
    assert objectives.own_objective(db_session, case.young_person, wish.public_id).id == wish.id
    assert objectives.own_objective(db_session, mo, wish.public_id) is None
    assert objectives.own_objective(db_session, case.young_person, "no-such-wish") is None


# Places in the young person's story (mobility mapping)


def test_places_keep_who_was_there_in_the_order_they_happened(db_session, case):
    nan = factories.network_member(db_session, case.young_person, name="Nan")
    dev = factories.network_member(db_session, case.young_person, name="Dev")
    db_session.commit()
    unknown = network.add_place(
        db_session, case.coordinator, case.young_person, "A foster home", (None, None), "  ", []
    )
    riverside = network.add_place(
        db_session, case.social_worker, case.young_person, " Riverside ", (2014, 2018), " Nan's flat ", [nan]
    )
    same_year = network.add_place(
        db_session, case.coordinator, case.young_person, "Holiday camp", (2012, 2012), None, [dev, nan]
    )
    db_session.commit()

    db_session.expire_all()
    found = network.places_of(db_session, case.young_person)
    assert [(p.name, p.from_year, p.to_year, p.note, [m.name for m in p.people]) for p in found] == [
        ("Holiday camp", 2012, 2012, None, ["Nan", "Dev"]),
        ("Riverside", 2014, 2018, "Nan's flat", ["Nan"]),
        ("A foster home", None, None, None, []),
    ]
    assert [p.id for p in found] == [same_year.id, riverside.id, unknown.id]

    network.remove_place(db_session, case.coordinator, found[0], case.young_person)
    db_session.commit()
    assert [p.name for p in network.places_of(db_session, case.young_person)] == [
        "Riverside",
        "A foster home",
    ]
    assert db_session.get(NetworkMember, nan.id) is not None  # removing a place removes no one


def test_a_place_whose_years_run_backwards_is_refused(db_session, case):
    with pytest.raises(network.NetworkRefused) as refused:
        network.add_place(
            db_session, case.coordinator, case.young_person, "Somewhere", (2018, 2014), None, []
        )
    assert refused.value.reason == "years_backwards"
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Place)) == 0


def test_a_place_cannot_hold_people_from_another_young_persons_network(db_session, case, organisation):
    nan = factories.network_member(db_session, case.young_person, name="Nan")
    mo = factories.young_person(db_session, organisation=organisation)
    mos_dad = factories.network_member(db_session, mo, name="Mo's dad")
    db_session.commit()
    with pytest.raises(network.NetworkRefused) as refused:
        network.add_place(
            db_session, case.coordinator, case.young_person, "Flat", (2010, 2011), None, [nan, mos_dad]
        )
    assert refused.value.reason == "not_in_network"
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Place)) == 0


@pytest.mark.parametrize("who", NOT_EDITORS)
def test_only_coordinators_and_social_workers_add_and_remove_places(
    db_session, case, organisation, other_organisation, who
):
    actor = someone_else(db_session, organisation, other_organisation, who)
    kept = factories.place(db_session, case.young_person, name="Riverside")
    db_session.commit()
    with pytest.raises(network.NetworkRefused, match="not_allowed"):
        network.add_place(db_session, actor, case.young_person, "Flat", (None, None), None, [])
    with pytest.raises(network.NetworkRefused, match="not_allowed"):
        network.remove_place(db_session, actor, kept, case.young_person)
    db_session.rollback()
    assert [p.name for p in network.places_of(db_session, case.young_person)] == ["Riverside"]


# The network's size over time


def said(session, young_person, member, kind: ConsentKind, decision: Decision) -> None:
    factories.consent_event(
        session, young_person, kind=kind, decision=decision, scope=f"member:{member.public_id}"
    )


def test_a_snapshot_counts_the_people_and_those_taking_part(db_session, case):
    jay = case.young_person
    nan = factories.network_member(db_session, jay, name="Nan")
    dev = factories.network_member(db_session, jay, name="Dev")
    rose = factories.network_member(db_session, jay, name="Rose")
    factories.network_member(db_session, jay, name="Sam", safety_status=SafetyStatus.UNCHECKED)
    dog = factories.network_member(db_session, jay, name="Biscuit", kind=MemberKind.PET)
    grandad = factories.network_member(db_session, jay, name="Grandad", deceased=True)
    for member in (nan, dev, dog, grandad):
        said(db_session, jay, member, ConsentKind.SUPPORTER_PARTICIPATION, Decision.GIVEN)
    said(db_session, jay, dev, ConsentKind.SUPPORTER_PARTICIPATION, Decision.WITHDRAWN)  # stopped since
    said(db_session, jay, rose, ConsentKind.SUPPORTER_PARTICIPATION, Decision.DECLINED)
    db_session.commit()

    network.take_snapshot(db_session, jay, SnapshotOccasion.REFERRAL, date(2026, 1, 5))
    db_session.commit()
    said(db_session, jay, dev, ConsentKind.SUPPORTER_PARTICIPATION, Decision.GIVEN)
    factories.network_member(db_session, jay, name="Uncle Mo")
    db_session.commit()
    network.take_snapshot(db_session, jay, SnapshotOccasion.REVIEW, date(2026, 11, 2))
    db_session.commit()

    db_session.expire_all()
    taken = network.snapshots(db_session, db_session.get(YoungPerson, jay.id))
    assert [(s.occasion, s.taken_on, s.people, s.taking_part) for s in taken] == [
        (SnapshotOccasion.REFERRAL, date(2026, 1, 5), 4, 1),  # Nan, Dev, Rose, Sam; only Nan taking part
        (SnapshotOccasion.REVIEW, date(2026, 11, 2), 5, 2),
    ]


def test_snapshots_are_each_young_persons_own(db_session, case, organisation):
    mo = factories.young_person(db_session, organisation=organisation)
    factories.network_member(db_session, mo)
    factories.network_member(db_session, case.young_person)
    db_session.commit()
    network.take_snapshot(db_session, mo, SnapshotOccasion.REFERRAL, date(2026, 2, 1))
    db_session.commit()
    assert network.snapshots(db_session, case.young_person) == []
    assert [s.people for s in network.snapshots(db_session, mo)] == [1]


# Reviews


def active_plan(session, case: Case, *supporters):
    plan = factories.plan(
        session, case.young_person, status=PlanStatus.ACTIVE, conference_on=date(2026, 1, 10)
    )
    made = [factories.commitment(session, plan, supporters=[s]) for s in supporters]
    session.commit()
    return plan, made


def test_plan_record_counts_what_was_due_kept_and_missed_per_commitment_in_one_query(app, db_session, case):
    nan = factories.agreed_supporter(db_session, case.young_person, name="Nan")
    dev = factories.agreed_supporter(db_session, case.young_person, name="Dev")
    rose = factories.agreed_supporter(db_session, case.young_person, name="Rose")
    plan, (call, visit, letter) = active_plan(db_session, case, nan, dev, rose)
    statuses = {
        call: [
            (date(2026, 2, 1), OccurrenceStatus.KEPT),
            (date(2026, 3, 1), OccurrenceStatus.KEPT),
            (date(2026, 4, 1), OccurrenceStatus.MISSED),
            (date(2026, 5, 1), OccurrenceStatus.DUE),
            (date(2025, 12, 1), OccurrenceStatus.MISSED),  # before the period
            (date(2026, 7, 1), OccurrenceStatus.KEPT),  # after it
        ],
        visit: [
            (date(2026, 2, 14), OccurrenceStatus.COULD_NOT),
            (date(2026, 3, 14), OccurrenceStatus.MOVED),
            (date(2026, 6, 30), OccurrenceStatus.MISSED),  # the last day counts
        ],
    }
    for commitment, dues in statuses.items():
        for due_on, status in dues:
            factories.occurrence(db_session, commitment, due_on=due_on, status=status)
    other_plan = factories.plan(db_session, case.young_person, version=2)
    elsewhere = factories.commitment(db_session, other_plan, supporters=[nan])
    factories.occurrence(db_session, elsewhere, due_on=date(2026, 3, 1), status=OccurrenceStatus.KEPT)
    db_session.commit()
    assert len(plan.commitments) == 3  # loaded before counting

    with count_queries(app.extensions["db"]) as queries:
        record = reviews.plan_record(db_session, plan, date(2026, 1, 10), date(2026, 6, 30))
    assert queries.count == 1
    assert {c_id: (r.due, r.kept, r.missed, r.other) for c_id, r in record.items()} == {
        call.id: (4, 2, 1, 1),
        visit.id: (3, 0, 1, 2),
        letter.id: (0, 0, 0, 0),
    }


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SOCIAL_WORKER, Role.IRO])
def test_reviews_are_scheduled_and_held_with_a_snapshot_of_the_network(db_session, case, organisation, role):
    actor = factories.account(db_session, role=role, organisation=organisation)
    nan = factories.agreed_supporter(db_session, case.young_person, name="Nan")
    factories.network_member(db_session, case.young_person, name="Rose")
    plan, _made = active_plan(db_session, case, nan)
    later = reviews.schedule_review(
        db_session, actor, case.young_person, ReviewKind.LOOKED_AFTER_REVIEW, date(2027, 1, 15)
    )
    first = reviews.schedule_review(
        db_session, actor, case.young_person, ReviewKind.CONFERENCE_REVIEW, date(2026, 11, 2)
    )
    db_session.commit()
    assert [r.id for r in reviews.reviews_of(db_session, case.young_person)] == [first.id, later.id]

    reviews.hold_review(db_session, actor, first, date(2026, 11, 3), "  Nan rang every birthday.  ")
    db_session.commit()

    db_session.expire_all()
    held = db_session.get(Review, first.id)
    assert (held.held_on, held.notes, held.plan_id) == (
        date(2026, 11, 3),
        "Nan rang every birthday.",
        plan.id,
    )
    snapshot = db_session.scalars(select(NetworkSnapshot)).one()
    assert (snapshot.occasion, snapshot.taken_on, snapshot.people, snapshot.taking_part) == (
        SnapshotOccasion.REVIEW,
        date(2026, 11, 3),
        2,
        1,
    )
    with pytest.raises(reviews.ReviewRefused, match="already_held"):
        reviews.hold_review(db_session, actor, held, date(2026, 11, 4), None)


@pytest.mark.parametrize(
    "who", ["manager", "admin", "young_person", "supporter", "other council's coordinator"]
)
def test_only_the_young_persons_own_practitioners_hold_reviews(
    db_session, case, organisation, other_organisation, who
):
    actor = someone_else(db_session, organisation, other_organisation, who)
    review = factories.review(db_session, case.young_person)
    db_session.commit()
    with pytest.raises(reviews.ReviewRefused, match="not_allowed"):
        reviews.schedule_review(
            db_session, actor, case.young_person, ReviewKind.CONFERENCE_REVIEW, date(2027, 1, 1)
        )
    with pytest.raises(reviews.ReviewRefused, match="not_allowed"):
        reviews.hold_review(db_session, actor, review, date(2026, 9, 1), None)
    db_session.rollback()
    assert db_session.get(Review, review.id).held_on is None
    assert db_session.scalar(select(func.count()).select_from(Review)) == 1
    assert db_session.scalar(select(func.count()).select_from(NetworkSnapshot)) == 0


# The circles drawing


def distance(placed: circles.Placed) -> float:
    return math.hypot(placed.x - circles.CENTRE, placed.y - circles.CENTRE)


def test_everyone_is_placed_inside_the_drawing_on_their_own_circle():
    people = [(f"key-{n}", f"Person {n}", [1, 2, 3, None][n % 4], n % 3 == 0, n % 7 == 0) for n in range(40)]
    placed = circles.place(people)

    assert sorted(p.key for p in placed) == sorted(key for key, *_rest in people)
    given = {key: (circle, part, pet) for key, _name, circle, part, pet in people}
    marker = 9  # the marker's radius in the template; the name sits 24 below the centre of the marker
    for p in placed:
        circle, part, pet = given[p.key]
        assert p.circle == (circle or 3)
        assert (p.taking_part, p.pet) == (part, pet)
        assert math.isclose(distance(p), circles.RADII[p.circle], abs_tol=0.2)
        assert marker <= p.x <= circles.SIZE - marker and marker <= p.y <= circles.SIZE - marker
        assert p.y + 24 <= circles.SIZE
    assert len({(p.x, p.y) for p in placed}) == len(placed), "nobody is drawn on top of anyone else"


def test_the_closest_circle_is_nearest_the_centre():
    placed = circles.place(
        [(str(n), f"P{n}", circle, False, False) for n, circle in enumerate([3, 1, 2, 3, 1, 2])]
    )
    by_circle = {c: [distance(p) for p in placed if p.circle == c] for c in (1, 2, 3)}
    assert max(by_circle[1]) < min(by_circle[2]) <= max(by_circle[2]) < min(by_circle[3])


@pytest.mark.parametrize("circle", [None, 0, 4, -1])
def test_someone_not_placed_yet_sits_on_the_outer_circle(circle):
    (placed,) = circles.place([("k", "Rose", circle, False, False)])
    assert placed.circle == 3
    assert math.isclose(distance(placed), circles.RADII[3], abs_tol=0.2)


def test_people_on_one_circle_are_spread_evenly():
    placed = circles.place([(str(n), f"P{n}", 2, False, False) for n in range(5)])
    angles = sorted(
        math.degrees(math.atan2(p.y - circles.CENTRE, p.x - circles.CENTRE)) % 360 for p in placed
    )
    gaps = [(b - a) for a, b in zip(angles, [*angles[1:], angles[0] + 360], strict=True)]
    assert all(math.isclose(gap, 72, abs_tol=0.5) for gap in gaps)
    (alone,) = circles.place([("k", "Nan", 1, True, False)])
    assert (alone.x, alone.y) == (circles.CENTRE, circles.CENTRE - circles.RADII[1])  # straight up


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Nan", "Nan"),
        ("Uncle Dev", "Uncle Dev"),
        ("Auntie Rosemary", "Auntie"),  # too long: the first word
        ("Grandma  Mensah", "Grandma"),
        ("  Big   Sis  ", "Big Sis"),  # spaces tidied first
        ("Abcdefghijkl", "Abcdefghijkl"),  # exactly as long as fits
        ("Bartholomew-Fitzgerald Smith", "Bartholomew…"),
        ("Oluwaseyifunmi", "Oluwaseyifu…"),
        ("", ""),
    ],
)
def test_labels_are_shortened_to_fit_under_the_dot(name, label):
    assert circles.short_label(name) == label
    assert len(circles.short_label(name)) <= circles.LABEL_LENGTH
    assert [p.label for p in circles.place([("k", name, 1, False, False)])] == [label]


def test_an_empty_network_draws_nobody():
    assert circles.place([]) == []


def test_someone_newly_marked_do_not_contact_is_hidden_until_the_coordinator_decides(
    db_session, organisation, coordinator, social_worker
):
    from app.domain import network, permissions
    from app.models import SafetyStatus, utcnow

    young_person = factories.young_person(db_session, organisation=organisation)
    gary = factories.network_member(db_session, young_person, name="Gary", safety_status=SafetyStatus.SAFE)
    db_session.commit()
    assert gary.shown_to_young_person
    network.set_safety(
        db_session, social_worker, gary, SafetyStatus.DO_NOT_CONTACT, "Police advice", utcnow()
    )
    assert not gary.shown_to_young_person and gary not in permissions.people_shown_to_young_person(
        young_person
    )
    network.show_to_young_person(db_session, coordinator, gary, True)
    network.set_safety(db_session, coordinator, gary, SafetyStatus.DO_NOT_CONTACT, "Still so", utcnow())
    assert gary.shown_to_young_person  # deciding again does not undo the coordinator's choice
