"""The core model holds the practice model's records; factories make each one."""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm.exc import StaleDataError

from app.models import (
    Acknowledgement,
    Base,
    ConsentEvent,
    ConsentKind,
    ContactLogEntry,
    ContactMethod,
    Decision,
    FamilyLink,
    JourneyEntry,
    LinkDetail,
    LinkKind,
    MemberKind,
    NetworkSnapshot,
    Place,
    Review,
    ReviewKind,
    Role,
    SafetyStatus,
    SnapshotOccasion,
)
from tests import factories


def test_factories_build_a_whole_young_persons_world(db_session, organisation, coordinator):
    person = factories.young_person(db_session, organisation=organisation, coordinator=coordinator)
    nan = factories.network_member(db_session, person, name="Nan", circle=1)
    supporter = factories.account(db_session, role=Role.SUPPORTER)
    nan.account = supporter
    factories.passkey(db_session, supporter)
    factories.network_member(db_session, person, name="Biscuit", kind=MemberKind.PET, circle=1)
    factories.network_member(db_session, person, name="Gary", safety_status=SafetyStatus.DO_NOT_CONTACT)
    plan = factories.plan(db_session, person, review_due_on=date(2026, 2, 2))
    commitment = factories.commitment(db_session, plan, supporters=[nan])
    occurrence = factories.occurrence(db_session, commitment)
    factories.confirmation(db_session, occurrence, by=supporter, acknowledgement=Acknowledgement.HAPPENED)
    factories.consent_event(db_session, person)
    factories.objective(db_session, person, text="find out about Dad's side")
    entry = factories.journey_entry(db_session, person)
    entry.people.append(nan)
    factories.audit_event(db_session, actor_account_id=coordinator.id, young_person_id=person.id)
    factories.outbox_message(db_session, young_person_id=person.id)
    factories.idempotency_key(db_session, account_id=supporter.id)
    mum = factories.network_member(db_session, person, name="Kerry", relationship_label="Mum")
    db_session.add_all(
        [
            FamilyLink(
                young_person_id=person.id, kind=LinkKind.PARENT, detail=LinkDetail.BIRTH, from_member=mum
            ),
            Place(young_person_id=person.id, name="Nan's flat, Riverside", from_year=2012, people=[nan, mum]),
            ContactLogEntry(
                network_member=nan, contacted_on=date(2025, 1, 6), method=ContactMethod.PHONE, outcome="Keen"
            ),
            Review(
                young_person_id=person.id,
                kind=ReviewKind.CONFERENCE_REVIEW,
                due_on=date(2026, 2, 2),
                plan=plan,
            ),
            NetworkSnapshot(
                young_person_id=person.id,
                taken_on=date(2025, 1, 6),
                occasion=SnapshotOccasion.REFERRAL,
                people=4,
                taking_part=1,
            ),
        ]
    )
    db_session.commit()
    db_session.expire_all()

    assert [m.name for m in person.network] == ["Nan", "Biscuit", "Gary", "Kerry"]
    assert person.network[2].do_not_contact
    assert plan.commitments[0].supporters[0].account.role is Role.SUPPORTER
    assert commitment.occurrences[0].confirmations[0].acknowledgement is Acknowledgement.HAPPENED
    assert supporter.organisation is None and coordinator.organisation is organisation
    # Photos arrive with the journey book's upload pipeline; sign-in and referrals have their own tests.
    elsewhere = {
        "journey_photos",
        "user_sessions",
        "webauthn_challenges",
        "invitations",
        "sign_in_links",
        "referrals",
        "reminder_settings",
        "calendar_feeds",
        "push_subscriptions",
    }
    for table in Base.metadata.sorted_tables:
        if table.name not in elsewhere:
            assert db_session.scalar(select(func.count()).select_from(table)) >= 1, table.name


def test_roles_know_who_is_staff():
    assert {r for r in Role if r.is_staff} == {
        Role.COORDINATOR,
        Role.SOCIAL_WORKER,
        Role.IRO,
        Role.MANAGER,
        Role.ADMIN,
    }


def test_consent_events_keep_every_decision_in_order(db_session):
    person = factories.young_person(db_session)
    for decision in (Decision.GIVEN, Decision.WITHDRAWN, Decision.GIVEN):
        factories.consent_event(db_session, person, decision=decision)
    db_session.commit()
    latest = db_session.scalars(
        select(ConsentEvent)
        .where(
            ConsentEvent.young_person_id == person.id, ConsentEvent.kind == ConsentKind.YOUNG_PERSON_AGREEMENT
        )
        .order_by(ConsentEvent.id.desc())
    ).first()
    assert latest.decision is Decision.GIVEN
    assert db_session.scalar(select(func.count()).select_from(ConsentEvent)) == 3


def test_enum_values_are_stored_as_plain_text(app, db_session):
    person = factories.young_person(db_session)
    factories.network_member(db_session, person, safety_status=SafetyStatus.DO_NOT_CONTACT)
    db_session.commit()
    with app.extensions["db"].connect() as connection:
        assert (
            connection.exec_driver_sql("SELECT safety_status FROM network_members").scalar()
            == "do_not_contact"
        )


def test_unknown_enum_value_is_refused(db_session):
    person = factories.young_person(db_session)
    member = factories.network_member(db_session, person)
    member.safety_status = "maybe"
    with pytest.raises(StatementError, match="not among the defined enum values"):
        db_session.flush()
    db_session.expire_all()


def test_journey_entries_refuse_a_stale_save(app, db_session):
    """Two devices editing one entry: the second save with an old version fails, nothing is overwritten."""
    from sqlalchemy.orm import Session

    entry = factories.journey_entry(db_session, factories.young_person(db_session), body="first")
    db_session.commit()
    engine = app.extensions["db"]
    with Session(engine, expire_on_commit=False) as phone, Session(engine, expire_on_commit=False) as tablet:
        # Each device loads the entry in its own short transaction, as two requests would.
        on_tablet = tablet.get(JourneyEntry, entry.id)
        tablet.commit()
        on_phone = phone.get(JourneyEntry, entry.id)
        on_phone.body = "from the phone"
        phone.commit()
        on_tablet.body = "from the tablet"
        with pytest.raises(StaleDataError):
            tablet.commit()
    db_session.expire_all()
    assert db_session.get(JourneyEntry, entry.id).body == "from the phone"
