"""Sign-in links in the domain: who gets one, how long it lives, and that it works exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.domain import sign_in_links
from app.domain.tokens import hash_token
from app.models import AuditEvent, Role
from app.models.auth import SignInLink
from tests import factories

ADDRESS = "Aunt.May@Example.org"


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def supporter(db_session):
    account = factories.account(db_session, role=Role.SUPPORTER, email=ADDRESS, display_name="May")
    db_session.commit()
    return account


def issue(db_session, now, address=ADDRESS) -> str:
    issued = sign_in_links.request_link(db_session, address, now)
    assert issued is not None
    db_session.commit()
    return issued[1]


def use(db_session, token, now):
    account = sign_in_links.use_link(db_session, token, now)
    db_session.commit()
    return account


def test_a_supporter_gets_a_ten_minute_link_whatever_the_case_and_spaces(db_session, supporter, now):
    account, token = sign_in_links.request_link(db_session, "  aunt.may@EXAMPLE.ORG \n", now)
    db_session.commit()

    assert account.id == supporter.id
    assert len(token) >= 43  # 32 random bytes, base64url
    link = db_session.scalar(select(SignInLink).where(SignInLink.account_id == supporter.id))
    assert link.token_hash == hash_token(token)
    assert link.expires_at == now + timedelta(minutes=10)
    assert link.used_at is None and link.superseded_at is None
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in_link.issued"))
    assert event.actor_account_id == supporter.id
    assert event.detail == {"superseded": 0, "valid_minutes": 10}


def test_looking_a_link_up_does_not_use_it(db_session, supporter, now):
    token = issue(db_session, now)

    assert sign_in_links.is_live(db_session, token, now)
    assert sign_in_links.is_live(db_session, token, now + timedelta(minutes=5))
    db_session.commit()

    assert use(db_session, token, now + timedelta(minutes=5)).id == supporter.id
    assert not sign_in_links.is_live(db_session, token, now + timedelta(minutes=5))


def test_a_link_works_once(db_session, supporter, now):
    token = issue(db_session, now)

    assert use(db_session, token, now + timedelta(seconds=30)).id == supporter.id
    assert use(db_session, token, now + timedelta(seconds=31)) is None
    used_at = db_session.scalar(select(SignInLink.used_at).where(SignInLink.token_hash == hash_token(token)))
    assert used_at == now + timedelta(seconds=30)


def test_a_link_works_for_ten_minutes_and_not_a_second_more(db_session, supporter, now):
    early = issue(db_session, now)
    assert use(db_session, early, now + timedelta(minutes=10) - timedelta(seconds=1)).id == supporter.id

    late = issue(db_session, now)
    assert use(db_session, late, now + timedelta(minutes=10, seconds=1)) is None
    assert sign_in_links.owner_of_spent_link(db_session, late).id == supporter.id


def test_an_older_link_stops_working_when_a_newer_one_is_sent(db_session, supporter, now):
    older = issue(db_session, now)
    newer = issue(db_session, now + timedelta(minutes=1))

    assert use(db_session, older, now + timedelta(minutes=2)) is None
    assert use(db_session, newer, now + timedelta(minutes=2)).id == supporter.id
    superseded_at = db_session.scalar(
        select(SignInLink.superseded_at).where(SignInLink.token_hash == hash_token(older))
    )
    assert superseded_at == now + timedelta(minutes=1)
    live = db_session.scalar(
        select(func.count())
        .select_from(SignInLink)
        .where(SignInLink.used_at.is_(None), SignInLink.superseded_at.is_(None))
    )
    assert live == 0


def test_an_unknown_address_gets_nothing_and_leaves_no_trace(db_session, supporter, now):
    assert sign_in_links.request_link(db_session, "nobody@example.org", now) is None
    assert sign_in_links.request_link(db_session, "   ", now) is None
    db_session.commit()

    assert db_session.scalar(select(func.count()).select_from(SignInLink)) == 0
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_only_active_supporters_get_links(db_session, now):
    factories.account(db_session, role=Role.COORDINATOR, email="coordinator@example.org")
    factories.account(db_session, role=Role.YOUNG_PERSON, email="young@example.org")
    factories.account(db_session, role=Role.SUPPORTER, email="gone@example.org", disabled_at=now)
    db_session.commit()

    for address in ("coordinator@example.org", "young@example.org", "gone@example.org"):
        assert sign_in_links.request_link(db_session, address, now) is None
    assert db_session.scalar(select(func.count()).select_from(SignInLink)) == 0


def test_a_link_of_an_account_disabled_since_signs_no_one_in(db_session, supporter, now):
    token = issue(db_session, now)
    supporter.disabled_at = now
    db_session.commit()

    assert use(db_session, token, now) is None
    assert sign_in_links.owner_of_spent_link(db_session, token) is None


def test_owner_of_spent_link_knows_only_real_links(db_session, supporter, now):
    token = issue(db_session, now)
    use(db_session, token, now)

    assert sign_in_links.owner_of_spent_link(db_session, token).id == supporter.id
    assert sign_in_links.owner_of_spent_link(db_session, token + "x") is None
    assert sign_in_links.use_link(db_session, "made-up", now) is None


def test_the_token_is_stored_only_as_its_hash(db_session, supporter, now):
    token = issue(db_session, now)
    use(db_session, token, now)
    issue(db_session, now + timedelta(minutes=1))  # a second link supersedes nothing live, audits again

    stored = []
    for table in ("sign_in_links", "audit_events"):
        rows = db_session.execute(text(f"SELECT * FROM {table}")).all()
        assert rows, table
        stored += [str(value) for row in rows for value in row]
    db_session.commit()
    assert hash_token(token) in stored
    assert not [value for value in stored if token in value]


def test_two_presses_at_once_sign_in_only_once(app, db_session, supporter, now):
    token = issue(db_session, now)
    engine = app.extensions["db"]
    start = threading.Barrier(4)
    results = []

    def press():
        with Session(bind=engine) as session:
            start.wait()
            account = sign_in_links.use_link(session, token, now)
            session.commit()
            results.append(account.id if account else None)

    threads = [threading.Thread(target=press) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results, key=str) == sorted([supporter.id, None, None, None], key=str)
