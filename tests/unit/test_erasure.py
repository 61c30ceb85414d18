"""Closing a care leaver's account erases what is theirs and keeps what the council must keep.

The first test reflects over the foreign keys: a new table that can hold a young person's data (or
their account's) fails it until ``app.domain.erasure.DECISIONS`` says, in words a young person can read,
whether it is erased or kept. The second seeds a row in every such table for two young people, erases
one, and checks table by table what is left of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, or_, select

from app.domain import erasure, personal_data, photos, sessions
from app.domain.tokens import hash_token, new_token
from app.models import (
    Account,
    AuditEvent,
    AuthorRole,
    Base,
    CaseStatus,
    ChallengePurpose,
    ConsentKind,
    ContactLogEntry,
    ContactMethod,
    EntryStatus,
    Invitation,
    InvitationKind,
    JourneyPhoto,
    LegalStatus,
    Review,
    Role,
    SignInLink,
    WebAuthnChallenge,
    YoungPerson,
    utcnow,
)
from tests import factories

T = Base.metadata.tables


def _ids(table: str, column: str, values):
    return select(T[table].c.id).where(T[table].c[column].in_(values))


def _rows(table: str, person: YoungPerson, account_id: int):
    """The rows of ``table`` that belong to this young person or their account, found by joining."""
    yp = person.id
    t = T[table]
    entries = _ids("journey_entries", "young_person_id", [yp])
    plans = _ids("plans", "young_person_id", [yp])
    commitments = select(T["commitments"].c.id).where(T["commitments"].c.plan_id.in_(plans))
    occurrences = select(T["occurrences"].c.id).where(T["occurrences"].c.commitment_id.in_(commitments))
    by_person = {
        "young_people": t.c.id == yp if table == "young_people" else None,
        "accounts": t.c.id == account_id if table == "accounts" else None,
        "journey_entry_people": "entry_id",
        "journey_photos": "entry_id",
        "contact_log": "network_member_id",
        "place_people": "place_id",
        "commitments": "plan_id",
        "commitment_supporters": "commitment_id",
        "occurrences": "commitment_id",
        "confirmations": "occurrence_id",
    }
    parents = {
        "entry_id": entries,
        "network_member_id": _ids("network_members", "young_person_id", [yp]),
        "place_id": _ids("places", "young_person_id", [yp]),
        "plan_id": plans,
        "commitment_id": commitments,
        "occurrence_id": occurrences,
    }
    found = by_person.get(table)
    if isinstance(found, str):
        condition = t.c[found].in_(parents[found])
    elif found is not None:
        condition = found
    else:
        options = []
        for column in ("young_person_id", "account_id", "to_account_id", "actor_account_id"):
            if column in t.c:
                options.append(t.c[column] == (yp if column == "young_person_id" else account_id))
        assert options, f"the test does not know how {table} belongs to a young person: teach _rows"
        condition = or_(*options)
    return select(func.count()).select_from(t).where(condition)


@dataclass
class Seeded:
    young_person: YoungPerson
    account: Account
    session_token: str
    photo_names: list[str]


def _photo(db_session, entry, directory, number: int) -> str:
    name = f"{number:032x}.jpg"
    photos.path_of(directory, name).write_bytes(b"\xff\xd8 a photo \xff\xd9")
    db_session.add(JourneyPhoto(entry=entry, storage_name=name, width=4, height=3, size_bytes=13))
    return name


def seed(db_session, organisation, coordinator, directory, number: int) -> Seeded:
    """A care leaver with a row in every table that can hold their data (or their account's)."""
    now = utcnow()
    account = factories.account(
        db_session, role=Role.YOUNG_PERSON, organisation=organisation, phone="07700 900123"
    )
    person = factories.young_person(
        db_session,
        organisation=organisation,
        account_id=account.id,
        coordinator_id=coordinator.id,
        legal_status=LegalStatus.CARE_LEAVER,
        date_of_birth=date(2005, 6, 1),
    )
    nan_account = factories.account(db_session, role=Role.SUPPORTER, display_name="Nan")
    nan = factories.supporter_with_account(db_session, person, nan_account, name="Nan")
    brother = factories.network_member(db_session, person, name="Brother")
    factories.consent_to_contact(db_session, person, brother)

    # How they sign in, and their settings.
    factories.passkey(db_session, account)
    token = sessions.start_session(db_session, account, "passkey", now)
    db_session.add_all(
        [
            SignInLink(token_hash=hash_token(new_token()), account_id=account.id, expires_at=now),
            WebAuthnChallenge(
                challenge=new_token().encode(),
                purpose=ChallengePurpose.AUTHENTICATE,
                account_id=account.id,
                browser_key=f"browser-{number}",
                expires_at=now,
            ),
        ]
    )
    factories.push_subscription(db_session, account)
    factories.calendar_feed(db_session, account)
    factories.reminder_settings(db_session, account)
    factories.idempotency_key(db_session, account_id=account.id)
    for kind, values in (
        (InvitationKind.YOUNG_PERSON, {"young_person_id": person.id}),
        (InvitationKind.RECOVERY, {"account_id": account.id}),
        (InvitationKind.SUPPORTER, {"young_person_id": person.id, "network_member_id": brother.id}),
    ):
        db_session.add(Invitation(kind=kind, token_hash=hash_token(new_token()), expires_at=now, **values))
    factories.outbox_message(db_session, to_account_id=account.id, to_address=account.email)
    factories.outbox_message(db_session, young_person_id=person.id, to_account_id=nan_account.id)

    # The journey book: their own page (with a person and a photo), Nan's memory, a deleted page.
    own = factories.journey_entry(db_session, person, author_account_id=account.id, people=[nan])
    memory = factories.journey_entry(
        db_session,
        person,
        title="The pizza we carried home",
        author_account_id=nan_account.id,
        author_role=AuthorRole.SUPPORTER,
        status=EntryStatus.AWAITING_YOUNG_PERSON,
    )
    gone = factories.journey_entry(db_session, person, title="Changed my mind", deleted_at=now)
    names = [
        _photo(db_session, own, directory, number * 10 + 1),
        _photo(db_session, memory, directory, number * 10 + 2),
        _photo(db_session, gone, directory, number * 10 + 3),
    ]
    factories.consent_event(
        db_session,
        person,
        kind=ConsentKind.SHARING,
        scope=f"entry:{own.public_id}:coordinator",
        actor_account_id=account.id,
    )

    # The council's case record.
    factories.referral(db_session, person, referred_by_id=account.id, contact_email=account.email)
    plan = factories.plan(db_session, person)
    promise = factories.commitment(db_session, plan, supporters=[nan])
    factories.confirmed_occurrence(db_session, promise, date(2026, 6, 1), by=nan_account)
    factories.review(db_session, person, held_on=date(2026, 1, 5), young_person_words="Said at the review")
    factories.review(db_session, person, young_person_words="For next time")
    db_session.add(
        ContactLogEntry(
            network_member_id=brother.id,
            contacted_on=date(2026, 1, 2),
            method=ContactMethod.PHONE,
            outcome="Glad to hear from us",
            by_account_id=coordinator.id,
        )
    )
    factories.family_link(db_session, person, nan, None)
    factories.place(db_session, person, people=[nan])
    factories.objective(db_session, person)
    factories.snapshot(db_session, person)
    factories.audit_event(db_session, young_person_id=person.id, actor_account_id=account.id)
    db_session.commit()
    return Seeded(person, account, token, names)


def _counts(db_session, seeded: Seeded) -> dict[str, int]:
    return {
        table: db_session.scalar(_rows(table, seeded.young_person, seeded.account.id))
        for table in erasure.DECISIONS
    }


def test_every_table_that_can_hold_a_young_persons_data_has_a_decision():
    metadata = Base.metadata
    found = personal_data.about_young_person(metadata) | personal_data.tables_reaching(metadata, "accounts")
    missing = found - set(erasure.DECISIONS)
    assert not missing, (
        f"New tables hold a young person's data: {sorted(missing)}. Decide in app/domain/erasure.py "
        "DECISIONS whether closing an account erases or keeps their rows, and say why in plain words."
    )
    assert set(erasure.DECISIONS) <= set(metadata.tables), "DECISIONS names a table that does not exist"
    for table, decision in erasure.DECISIONS.items():
        assert decision.action in (erasure.ERASE, erasure.KEEP), table
        assert str(decision.what).strip() and str(decision.reason).strip(), table


def test_closing_erases_what_is_theirs_keeps_the_record_and_leaves_others_alone(
    app, db_session, organisation, coordinator
):
    directory = photos.photo_dir(app.config)
    a = seed(db_session, organisation, coordinator, directory, 1)
    b = seed(db_session, organisation, coordinator, directory, 2)
    before_a, before_b = _counts(db_session, a), _counts(db_session, b)
    empty = [table for table, count in before_a.items() if count == 0]
    assert not empty, f"the test seeds no row of these tables: {empty}"
    assert before_a == before_b

    summary = erasure.erase(db_session, a.young_person, actor=a.account, now=utcnow(), photo_dir=directory)

    db_session.expire_all()
    after_a, after_b = _counts(db_session, a), _counts(db_session, b)
    for table, decision in erasure.DECISIONS.items():
        if decision.action == erasure.ERASE:
            assert after_a[table] == 0, f"{table}: rows of the closed account are left"
        else:
            grew = 1 if table == "audit_events" else 0  # the erasure's own audit row
            assert after_a[table] == before_a[table] + grew, f"{table}: kept rows changed"
    assert after_b == before_b, "another young person's data changed"

    assert sorted(summary.photo_names) == sorted(a.photo_names)
    assert not any(photos.path_of(directory, name).exists() for name in a.photo_names)
    assert all(photos.path_of(directory, name).exists() for name in b.photo_names)

    # The account is emptied and can't sign in; the record is closed and marked erased.
    account = db_session.get(Account, a.account.id)
    assert account.disabled_at is not None and not account.is_active
    assert (account.display_name, account.email, account.phone) == ("Closed account", None, None)
    assert account.passkeys == []
    assert sessions.find_session(db_session, a.session_token, utcnow()) is None
    assert sessions.find_session(db_session, b.session_token, utcnow()) is not None
    person = db_session.get(YoungPerson, a.young_person.id)
    assert person.account_id is None and person.erased_at is not None and person.closed_at is not None
    assert person.status is CaseStatus.CLOSED

    # Words for a review that happened are kept; words for one still to come are erased.
    words = dict(
        db_session.execute(
            select(Review.held_on.is_not(None), Review.young_person_words).where(
                Review.young_person_id == person.id
            )
        ).all()
    )
    assert words == {True: "Said at the review", False: None}

    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "account.erased"))
    assert event.young_person_id == person.id and event.actor_account_id == account.id
    assert event.detail["journey_entries"] == 3 and event.detail["photo_files"] == 3
    assert all(isinstance(value, int) for value in event.detail.values()), "counts only, never words"


@pytest.mark.parametrize(
    ("legal_status", "age", "allowed"),
    [
        (LegalStatus.CARE_ORDER, 15, False),
        (LegalStatus.SECTION_20, 17, False),
        (LegalStatus.CARE_ORDER, 18, True),
        (LegalStatus.CARE_LEAVER, 17, True),
        (LegalStatus.SELF_REFERRED, 21, True),
    ],
)
def test_only_care_leavers_and_adults_may_close_their_account(legal_status, age, allowed):
    today = date(2026, 5, 1)
    person = YoungPerson(legal_status=legal_status, date_of_birth=date(today.year - age, 3, 1))
    assert erasure.who_may_close(person, today) is allowed


def test_a_young_person_in_care_may_close_their_account_from_their_18th_birthday():
    person = YoungPerson(legal_status=LegalStatus.CARE_ORDER, date_of_birth=date(2008, 3, 1))
    assert not erasure.who_may_close(person, date(2026, 2, 28))
    assert erasure.who_may_close(person, date(2026, 3, 1))


def test_a_child_in_care_cannot_be_erased_and_nothing_changes(app, db_session, organisation, coordinator):
    directory = photos.photo_dir(app.config)
    seeded = seed(db_session, organisation, coordinator, directory, 3)
    seeded.young_person.legal_status = LegalStatus.CARE_ORDER
    seeded.young_person.date_of_birth = date.today() - timedelta(days=15 * 366)
    db_session.commit()
    before = _counts(db_session, seeded)

    with pytest.raises(erasure.NotAllowed):
        erasure.erase(
            db_session, seeded.young_person, actor=seeded.account, now=utcnow(), photo_dir=directory
        )

    db_session.rollback()
    assert _counts(db_session, seeded) == before
    assert all(photos.path_of(directory, name).exists() for name in seeded.photo_names)


def test_the_explanation_says_what_goes_and_why_the_rest_is_kept(app, db_session, organisation):
    person = factories.young_person(
        db_session,
        organisation=organisation,
        legal_status=LegalStatus.CARE_LEAVER,
        account_id=factories.account(db_session, organisation=organisation).id,
    )
    with app.test_request_context():
        lines = erasure.explain(person)
    erased = [line.what for line in lines if line.action == erasure.ERASE]
    kept = {line.what: line.reason for line in lines if line.action == erasure.KEEP}
    assert lines[: len(erased)] == [line for line in lines if line.action == erasure.ERASE]
    assert any("journey book" in what for what in erased)
    assert any("review that hasn't happened yet" in what for what in erased)
    assert "The law asks us to keep it" in kept["The record of what you agreed to and when"]
    assert any("until they turn 75" in reason for reason in kept.values())
    assert kept["A list of who looked at or changed your records"] == (
        "We keep it to keep you safe, and it is never changed."
    )
    assert len({line.what for line in lines}) == len(lines), "each thing is explained once"
