"""A supporter's private calendar on the web: the page that makes and stops the address, and the feed.

Jay is taking part; Nan (a supporter with an account) calls Jay on his birthday and every fortnight.
The feed is fetched by a client with no session, as a phone's calendar would. Dates come from the real
"today", so the assertions hold on any day of the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.domain import schedules
from app.domain.tokens import hash_token
from app.models import (
    Account,
    AuditEvent,
    CalendarFeed,
    CommitmentKind,
    ConsentKind,
    Decision,
    PlanStatus,
    Role,
    ScheduleKind,
    utcnow,
)
from app.plan_words import KIND_LABELS
from tests import factories
from tests.conftest import sign_in
from tests.helpers import PageClient
from tests.unit.test_calendar_feed import check_calendar, parse_ics


@dataclass
class World:
    young_person: object
    nan: object
    account: Account
    plan: object


@pytest.fixture
def world(db_session, organisation) -> World:
    jay = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Jay",
        date_of_birth=date(2010, 3, 14),
        school="Hillside Academy",
        placement_address="12 Acacia Avenue",
    )
    factories.consent_to_contact(db_session, jay)
    nan = factories.supporter_with_account(db_session, jay, name="Nan")
    plan = factories.plan(db_session, jay, status=PlanStatus.ACTIVE)
    factories.commitment(db_session, plan, supporters=[nan], description="Ring Jay at 12 Acacia Avenue")
    factories.commitment(
        db_session,
        plan,
        supporters=[nan],
        kind=CommitmentKind.CALL,
        description="Staff note: only after school",
        schedule=ScheduleKind.EVERY_N_WEEKS,
        interval=2,
        starts_on=date(2026, 1, 5),
    )
    db_session.commit()
    return World(jay, nan, db_session.get(Account, nan.account_id), plan)


@pytest.fixture
def nan_client(app, world) -> PageClient:
    client = PageClient(app.test_client())
    sign_in(client, world.account)
    return client


def make_address(client: PageClient) -> str:
    page = client.get_page("supporters.calendar")
    response = client.submit(page, f"form[action='{client.url('supporters.create_calendar_feed')}']", {})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    shown = BeautifulSoup(response.data, "html.parser")
    address = shown.find("input", id="calendar-address")
    assert address is not None and address.has_attr("readonly")
    webcal = shown.find("a", href=lambda href: href and href.startswith("webcal://"))
    assert webcal is not None and webcal["href"] == "webcal://" + address["value"].split("://", 1)[1]
    assert address["value"].startswith("http://127.0.0.1:5000/calendar/")
    return address["value"]


def token_of(address: str) -> str:
    return address.rsplit("/", 1)[1].removesuffix(".ics")


def fetch(app, address: str):
    """As a phone's calendar does: no cookies, no session."""
    path = address.split("127.0.0.1:5000", 1)[1]
    return app.test_client(use_cookies=False).get(path)


def summaries(response) -> list[str]:
    return [event.text("SUMMARY") for event in check_calendar(parse_ics(response.data))]


def london_today() -> date:
    return schedules.today_in("Europe/London", utcnow())


# The page


def test_nan_makes_an_address_that_is_shown_once_and_only_its_hash_is_kept(
    app, db_session, world, nan_client
):
    first = nan_client.get_page("supporters.calendar")
    assert "You don't have a calendar address yet." in first.get_text()
    address = make_address(nan_client)
    token = token_of(address)
    db_session.expire_all()
    feeds = db_session.scalars(select(CalendarFeed)).all()
    assert len(feeds) == 1 and feeds[0].token_hash == hash_token(token)
    assert feeds[0].account_id == world.account.id and feeds[0].revoked_at is None
    stored = [repr(vars(row)) for row in db_session.scalars(select(AuditEvent))] + [repr(vars(feeds[0]))]
    assert not any(token in text for text in stored)
    again = nan_client.get_page("supporters.calendar")
    assert token not in str(again) and "You have a calendar address" in again.get_text()
    assert again.select_one(f"form[action='{nan_client.url('supporters.revoke_calendar_feed')}']")


def test_the_feed_needs_no_sign_in_and_says_only_the_name_and_the_promise(app, db_session, world, nan_client):
    response = fetch(app, make_address(nan_client))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] in ("no-store", "private")
    assert "Set-Cookie" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    titles = summaries(response)
    today = london_today()
    birthday = schedules.next_due(
        schedules.Schedule(ScheduleKind.YEARLY_BIRTHDAY), today, born=date(2010, 3, 14)
    )
    assert titles.count("Jay: Birthday call") == 1
    assert titles.count("Jay: Phone or video call") in (26, 27)
    assert set(titles) == {"Jay: Birthday call", "Jay: Phone or video call"}
    body = response.data.decode()
    for secret in ("Acacia", "Hillside", "Staff note", "Nan", world.young_person.public_id):
        assert secret not in body
    events = check_calendar(parse_ics(response.data))
    starts = [event.value("DTSTART") for event in events]
    assert f"{birthday.due_on:%Y%m%d}" in starts
    assert min(starts) >= f"{today:%Y%m%d}"
    db_session.expire_all()
    assert db_session.scalar(select(CalendarFeed.last_used_at)) is not None


def test_fetching_again_gives_the_same_uids(app, nan_client):
    address = make_address(nan_client)
    first = [e.value("UID") for e in check_calendar(parse_ics(fetch(app, address).data))]
    second = [e.value("UID") for e in check_calendar(parse_ics(fetch(app, address).data))]
    assert first == second and len(set(first)) == len(first) > 0


def test_the_feed_parses_with_the_icalendar_package(app, nan_client):
    icalendar = pytest.importorskip("icalendar")
    calendar = icalendar.Calendar.from_ical(fetch(app, make_address(nan_client)).data)
    events = list(calendar.walk("VEVENT"))
    assert str(calendar["VERSION"]) == "2.0" and events
    assert all(isinstance(e.decoded("DTSTART"), date) for e in events)
    assert "Jay: Birthday call" in {str(e["SUMMARY"]) for e in events}


def test_a_new_address_stops_the_old_one_and_stopping_ends_it_at_once(app, db_session, nan_client):
    old = make_address(nan_client)
    assert fetch(app, old).status_code == 200
    new = make_address(nan_client)
    assert fetch(app, old).status_code == 404
    assert fetch(app, new).status_code == 200
    page = nan_client.get_page("supporters.calendar")
    stopped = nan_client.submit(
        page, f"form[action='{nan_client.url('supporters.revoke_calendar_feed')}']", {}
    )
    assert stopped.status_code == 303 and stopped.headers["Location"].endswith("/supporting/calendar")
    assert fetch(app, new).status_code == 404
    after = nan_client.get_page("supporters.calendar")
    assert "You don't have a calendar address yet." in after.get_text()
    assert "stopped working" in after.get_text()
    db_session.expire_all()
    assert all(feed.revoked_at is not None for feed in db_session.scalars(select(CalendarFeed)))


def test_a_made_up_address_is_a_404(app, world):
    client = app.test_client(use_cookies=False)
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404
    assert client.get("/calendar/" + "x" * 300 + ".ics").status_code == 404


def test_jays_withdrawal_empties_the_feed_at_once(app, db_session, world, nan_client):
    address = make_address(nan_client)
    assert summaries(fetch(app, address))
    db_session.expire_all()  # end the read transaction that began before the requests wrote
    factories.consent_event(
        db_session,
        world.young_person,
        kind=ConsentKind.SUPPORTER_PARTICIPATION,
        decision=Decision.WITHDRAWN,
        scope=f"member:{world.nan.public_id}",
    )
    db_session.commit()
    emptied = fetch(app, address)
    assert emptied.status_code == 200 and summaries(emptied) == []
    assert b"Jay" not in emptied.data


def test_another_supporters_feed_never_shows_jay(app, db_session, world, organisation):
    sam = factories.young_person(db_session, organisation=organisation, chosen_name="Sam")
    factories.consent_to_contact(db_session, sam)
    bo = factories.supporter_with_account(db_session, sam, name="Bo")
    factories.commitment(
        db_session, factories.plan(db_session, sam, status=PlanStatus.ACTIVE), supporters=[bo]
    )
    # Bo is also in Jay's network, but on none of Jay's commitments.
    factories.agreed_supporter(db_session, world.young_person, name="Bo", account_id=bo.account_id)
    db_session.commit()
    bo_client = PageClient(app.test_client())
    sign_in(bo_client, db_session.get(Account, bo.account_id))
    response = fetch(app, make_address(bo_client))
    assert summaries(response) == ["Sam: Birthday call"]
    assert b"Jay" not in response.data


def test_the_feed_is_in_the_supporters_language(app, db_session, world, nan_client):
    db_session.expire_all()
    world.account.language = "cy"
    db_session.commit()
    response = fetch(app, make_address(nan_client))
    with app.test_request_context(), force_locale("cy"):
        expected = gettext("%(name)s: %(kind)s", name="Jay", kind=KIND_LABELS[CommitmentKind.BIRTHDAY_CALL])
    assert expected != "Jay: Birthday call"
    assert expected in summaries(response)


def test_the_page_is_only_for_supporters_and_the_feed_is_rate_limited(app, db_session, world, nan_client):
    db_session.expire_all()
    coordinator = factories.account(db_session, role=Role.COORDINATOR)
    db_session.commit()
    staff = PageClient(app.test_client())
    sign_in(staff, coordinator)
    assert staff.get("/supporting/calendar").status_code == 403
    assert app.test_client().get("/supporting/calendar").status_code == 303
    address = make_address(nan_client)
    statuses = [fetch(app, address).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]


def test_the_home_page_links_to_the_calendar(nan_client):
    home = nan_client.get_page("supporters.home")
    assert home.find("a", href=nan_client.url("supporters.calendar"))


def test_a_feed_made_elsewhere_is_found_by_its_token_only(app, db_session, world):
    db_session.expire_all()
    feed, token = factories.calendar_feed(db_session, world.account)
    db_session.commit()
    assert fetch(app, f"http://127.0.0.1:5000/calendar/{token}.ics").status_code == 200
    assert fetch(app, f"http://127.0.0.1:5000/calendar/{feed.token_hash}.ics").status_code == 404
    assert fetch(app, f"http://127.0.0.1:5000/calendar/{feed.public_id}.ics").status_code == 404
