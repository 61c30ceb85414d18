"""The demo world of DEMO.md: loaded once, unchanged by a second load, and true to the story."""

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from app.demo import load_demo
from app.domain import referrals
from app.models import (
    Account,
    Acknowledgement,
    Base,
    Confirmation,
    ConsentEvent,
    ConsentKind,
    NetworkMember,
    Occurrence,
    OccurrenceStatus,
    Organisation,
    Plan,
    ReferralRoute,
    Role,
    SafetyStatus,
    YoungPerson,
)


def _counts(session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def _young_person(session, name: str) -> YoungPerson:
    return session.scalars(select(YoungPerson).where(YoungPerson.chosen_name == name)).one()


def _member(session, name: str) -> NetworkMember:
    return session.scalars(select(NetworkMember).where(NetworkMember.name == name)).one()


def test_loading_twice_creates_the_world_once_and_then_changes_nothing(db_session, tmp_path):
    empty = _counts(db_session)
    assert load_demo(db_session, tmp_path / "photos") is True
    db_session.commit()
    loaded = _counts(db_session)

    assert load_demo(db_session, tmp_path / "photos") is False
    db_session.commit()
    assert _counts(db_session) == loaded
    filled = {name for name, count in loaded.items() if count > empty[name]}
    assert filled >= {
        "organisations", "accounts", "young_people", "network_members", "objectives", "consent_events",
        "plans", "commitments", "commitment_supporters", "occurrences", "confirmations",
        "journey_entries", "journey_entry_people", "journey_photos",
    }  # fmt: skip
    # The book's pictures are stored like any upload: once, cleaned, under random names.
    assert len(list((tmp_path / "photos").iterdir())) == loaded["journey_photos"] == 4


def test_the_world_is_the_one_in_demo_md(db_session, tmp_path):
    load_demo(db_session, tmp_path / "photos")
    db_session.commit()
    today = date.today()

    gary = _member(db_session, "Gary")
    assert gary.do_not_contact and gary.shown_to_young_person is False
    assert gary.safety_reason and gary.safety_decided_by.display_name == "Priya Shah"
    assert _member(db_session, "Biscuit").kind.value == "pet"

    jay = _young_person(db_session, "Jay")
    assert (jay.pronouns, jay.date_of_birth, jay.coordinator.display_name) == (
        "they/them",
        date(2010, 3, 14),
        "Priya Shah",
    )
    plan = db_session.scalars(select(Plan).where(Plan.young_person_id == jay.id)).one()
    assert len(plan.commitments) == 6
    assert all(c.supporters and c.supporters[0].young_person_id == jay.id for c in plan.commitments)
    assert all(c.supporters[0].account.role is Role.SUPPORTER for c in plan.commitments)
    assert (plan.agreed_by.display_name, plan.review_due_on) == ("Tom Bell", date(2026, 2, 2))

    leo = _young_person(db_session, "Leo")
    assert leo.organisation.slug == "northmoor"
    amira = _young_person(db_session, "Amira")
    assert amira.account.language == "ar" and amira.coordinator is None

    # The policies are the example files, and each referral got its answer from the engine.
    assert referrals.policy_of(amira.organisation).organisation == "Barking and Dagenham"
    assert referrals.self_referral_open(amira.organisation)
    assert not referrals.self_referral_open(leo.organisation)
    amira_referral = referrals.own_referral(db_session, amira)
    assert (amira_referral.route, amira_referral.result) == (ReferralRoute.SELF, "eligible")
    assert amira_referral.signposts == ["red_cross_family_tracing"]
    assert 5 <= (date.today() - amira_referral.created_at.date()).days <= 7  # "last week"
    leo_referral = referrals.own_referral(db_session, leo)
    assert (leo_referral.result, leo_referral.reasons) == (
        "not_eligible",
        [["too_young", {"years": 15, "months": 9}]],
    )
    queue = referrals.triage_queue(db_session, leo_referral.referred_by)
    assert queue == [leo_referral] and leo_referral.referred_by.display_name == "Ola Nowak"

    disputed = select(Confirmation).where(Confirmation.acknowledgement == Acknowledgement.DID_NOT_HAPPEN)
    assert db_session.scalars(disputed).first() is not None
    missed = select(Occurrence).where(Occurrence.status == OccurrenceStatus.MISSED)
    assert db_session.scalars(missed).first() is not None
    due_this_week = select(Occurrence).where(
        Occurrence.status == OccurrenceStatus.DUE,
        Occurrence.due_on >= today,
        Occurrence.due_on <= today + timedelta(days=7),
    )
    assert db_session.scalars(due_this_week).first() is not None


def test_no_one_is_contacted_without_consent_and_the_do_not_contact_person_never_is(db_session, tmp_path):
    load_demo(db_session, tmp_path / "photos")
    db_session.commit()
    jay = _young_person(db_session, "Jay")
    scopes = {
        kind: set(
            db_session.scalars(
                select(ConsentEvent.scope).where(
                    ConsentEvent.young_person_id == jay.id, ConsentEvent.kind == kind
                )
            )
        )
        for kind in (ConsentKind.CONTACT_PERSON, ConsentKind.SUPPORTER_PARTICIPATION)
    }
    safe = {f"member:{m.public_id}" for m in jay.network if m.safety_status is SafetyStatus.SAFE}
    supporters = {f"member:{m.public_id}" for m in jay.network if m.account is not None}
    assert len(safe) == 6 and scopes[ConsentKind.CONTACT_PERSON] == safe
    assert scopes[ConsentKind.SUPPORTER_PARTICIPATION] == supporters == safe
    assert f"member:{_member(db_session, 'Gary').public_id}" not in scopes[ConsentKind.CONTACT_PERSON]


def test_every_contact_detail_is_fictional(db_session, tmp_path):
    load_demo(db_session, tmp_path / "photos")
    db_session.commit()
    emails = [*db_session.scalars(select(Account.email)), *db_session.scalars(select(Organisation.email))]
    phones = [*db_session.scalars(select(Account.phone)), *db_session.scalars(select(Organisation.phone))]
    assert all(re.fullmatch(r"[\w.]+@([\w-]+\.)?example\.(org|com)", e) for e in emails if e)
    assert all(re.fullmatch(r"01632 960\d{3}|07700 900\d{3}", p) for p in phones if p)
    assert len([e for e in emails if e]) >= 12
