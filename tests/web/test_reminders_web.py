"""Reminders through the pages and the real commands: the settings form, the e-mailed one-tap link,
and two copies of `flask reminders send` at once, with a real SMTP server on loopback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.config import ROOT
from app.domain import one_tap, reminders, schedules
from app.mailer import send_pending
from app.models import (
    CommitmentKind,
    ConsentKind,
    Decision,
    Occurrence,
    OccurrenceStatus,
    OutboxMessage,
    PlanStatus,
    ReminderSettings,
    Role,
    ScheduleKind,
    utcnow,
)
from tests import factories
from tests.conftest import TEST_SECRET, sign_in
from tests.mail import Inbox, MailServer

DONE_LINK = re.compile(r"http://127\.0\.0\.1:5000(/done/[A-Za-z0-9_.-]+)")


@pytest.fixture
def mail_server(app):
    server = MailServer(Inbox())
    server.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{server.port}"
    app.config["MAIL_FROM"] = "Lifelong Links <no-reply@links.example.org>"
    yield server
    server.stop()


@pytest.fixture
def inbox(mail_server) -> Inbox:
    return mail_server.inbox


@dataclass
class World:
    young_person: object
    commitment: object
    nan: object
    member: object


def london_today():
    return schedules.today_in("Europe/London", utcnow())


def make_world(db_session, supporters: int = 1, **nan) -> World:
    """Sam's plan: a visit three days from now (London), promised by Nan (and more supporters if asked)."""
    organisation = factories.organisation(db_session)
    person = factories.young_person(
        db_session, organisation=organisation, chosen_name="Sam", legal_name="Samantha Example"
    )
    factories.consent_to_contact(db_session, person)
    members, accounts = [], []
    for n in range(supporters):
        values = dict(nan) if n == 0 else {}
        values.setdefault("display_name", "Nan" if n == 0 else f"Supporter {n}")
        values.setdefault("email", "nan@example.org" if n == 0 else f"supporter-{n}@example.org")
        account = factories.account(db_session, role=Role.SUPPORTER, **values)
        members.append(factories.agreed_supporter(db_session, person, account_id=account.id))
        accounts.append(account)
    plan = factories.plan(db_session, person, status=PlanStatus.ACTIVE)
    commitment = factories.commitment(
        db_session,
        plan,
        supporters=members,
        kind=CommitmentKind.VISIT,
        description="Football at the park",
        schedule=ScheduleKind.ONCE,
        starts_on=london_today() + timedelta(days=3),
        window_days_after=2,
    )
    db_session.commit()
    return World(person, commitment, accounts[0], members[0])


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def text_of(response) -> str:
    return page(response).get_text(" ", strip=True)


# The settings page


@pytest.fixture
def nan_client(client, db_session):
    world = make_world(db_session)
    sign_in(client, world.nan)
    client.world = world
    return client


def test_the_settings_page_starts_with_the_defaults(nan_client):
    soup = nan_client.get_page("supporters.reminders_page")

    assert soup.h1.get_text(strip=True) == "Reminders"
    assert soup.select_one("input#by_email").has_attr("checked")
    checked = [box["value"] for box in soup.select("input[name=days_before]") if box.has_attr("checked")]
    assert checked == ["0", "3"]
    labels = [label.get_text(strip=True) for label in soup.select("#days_before label")]
    assert labels == ["On the day", "1 day before", "2 days before", "3 days before", "A week before"]
    # No VAPID keys here: no choice of notifications, no push button, and no script for it.
    assert soup.select_one("input#by_push") is None
    assert soup.select_one("[data-push]") is None
    assert soup.select_one("script[src^='/static/js/push.js']") is None
    assert "Notifications are not available on this service yet." in soup.get_text()


def test_a_supporter_chooses_how_and_when(nan_client, db_session):
    soup = nan_client.get_page("supporters.reminders_page")
    response = nan_client.submit(
        soup, "#reminder-form", {"by_email": "y", "by_push": "y", "days_before": ["7", "1"]}
    )

    assert response.status_code == 303 and response.location == "/supporting/reminders"
    saved = db_session.scalar(select(ReminderSettings))
    db_session.commit()
    assert (saved.by_email, saved.by_push, saved.days_before) == (True, True, [7, 1])
    soup = page(nan_client.get(response.location))
    assert "Your reminder choices are saved." in soup.get_text()
    checked = [box["value"] for box in soup.select("input[name=days_before]") if box.has_attr("checked")]
    assert checked == ["1", "7"]


def test_no_day_chosen_is_explained(nan_client, db_session):
    soup = nan_client.get_page("supporters.reminders_page")
    response = nan_client.submit(soup, "#reminder-form", {"by_email": "y"})

    assert response.status_code == 400
    summary = page(response).select_one("#error-summary")
    assert summary.select_one("a[href='#days_before']") is not None
    assert "Choose at least one day, or untick e-mail and notifications." in summary.get_text()
    assert db_session.scalar(select(func.count(ReminderSettings.id))) == 0
    db_session.commit()


@pytest.mark.parametrize("days", [["5"], ["three"], ["3", "-1"]])
def test_a_day_not_on_the_list_is_refused(nan_client, days):
    soup = nan_client.get_page("supporters.reminders_page")
    response = nan_client.submit(soup, "#reminder-form", {"by_email": "y", "days_before": days})

    assert response.status_code == 400
    assert "Choose the days from the list." in page(response).select_one("#error-summary").get_text()


def test_reminders_can_be_turned_off(nan_client, db_session):
    soup = nan_client.get_page("supporters.reminders_page")
    assert nan_client.submit(soup, "#reminder-form", {}).status_code == 303

    saved = db_session.scalar(select(ReminderSettings))
    db_session.commit()
    assert (saved.by_email, saved.by_push) == (False, False)
    assert reminders.run(nan_client.application).emails == 0


def test_the_home_page_links_to_the_reminders(nan_client):
    soup = nan_client.get_page("supporters.home")
    assert soup.select_one("a[href='/supporting/reminders']").get_text(strip=True) == "Choose your reminders"


# The e-mail and its one-tap link


def reminder_link(app, inbox) -> str:
    reminders.run(app)
    assert send_pending(app) == 1
    [mail] = inbox.messages
    found = DONE_LINK.findall(mail.get_content())
    assert len(found) == 1, mail.get_content()
    return found[0]


def test_the_e_mail_link_confirms_the_visit_without_signing_in(app, client, db_session, inbox):
    world = make_world(db_session)
    link = reminder_link(app, inbox)
    mail = inbox.messages[0]
    assert mail["To"] == "nan@example.org"
    assert mail["Subject"] == "Reminder: Visit for Sam"

    # Opening it (as a mail scanner would, twice) uses nothing up.
    client.get(link)
    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    soup = page(response)
    assert soup.h1.get_text(strip=True) == "Visit for Sam"
    assert "Football at the park" in soup.get_text()
    assert "Samantha" not in soup.get_text() and "Nan" not in soup.get_text()
    form = soup.select_one("#one-tap-form")
    assert form["method"] == "post" and form["action"] == link
    assert [b.get_text(strip=True) for b in form.select("button")] == ["I did it"]

    done = client.submit(soup, "#one-tap-form", {})
    assert done.status_code == 200
    assert "We've told Sam that you did it." in text_of(done)
    db_session.expire_all()
    occurrence = db_session.scalar(select(Occurrence).where(Occurrence.commitment_id == world.commitment.id))
    assert occurrence.status is OccurrenceStatus.KEPT
    [confirmation] = occurrence.confirmations
    assert confirmation.by_account_id == world.nan.id and confirmation.happened_on == london_today()
    db_session.commit()

    # Used: opening or pressing it again gets the kind "gone" page.
    again = client.get(link)
    assert again.status_code == 410
    assert page(again).h1.get_text(strip=True) == "This link can't be used any more"
    assert "If you pressed “I did it” before, that was saved." in text_of(again)
    assert client.submit(soup, "#one-tap-form", {}).status_code == 410


def test_the_page_is_in_the_supporters_language(app, client, db_session, inbox):
    make_world(db_session, language="cy")
    link = reminder_link(app, inbox)

    soup = page(client.get(link))
    assert soup.html["lang"] == "cy"


def test_an_expired_link_gets_the_gone_page(app, client, db_session):
    world = make_world(db_session)
    reminders.run(app)
    occurrence = db_session.scalar(select(Occurrence).where(Occurrence.commitment_id == world.commitment.id))
    db_session.commit()
    token = one_tap.token_for(
        app.config["SECRET_KEY"], occurrence, world.nan, utcnow() - timedelta(seconds=1)
    )

    response = client.get(f"/done/{token}")
    assert response.status_code == 410
    assert "This link can't be used any more" in text_of(response)


def test_a_link_that_is_not_ours_is_not_found(client):
    response = client.get("/done/not-a-token")
    assert response.status_code == 404
    assert "This link can't be used any more" in text_of(response)


def test_a_withdrawal_makes_the_link_useless(app, client, db_session, inbox):
    world = make_world(db_session)
    link = reminder_link(app, inbox)
    soup = page(client.get(link))
    factories.consent_event(
        db_session, world.young_person, kind=ConsentKind.YOUNG_PERSON_AGREEMENT, decision=Decision.WITHDRAWN
    )
    db_session.commit()

    assert client.submit(soup, "#one-tap-form", {}).status_code == 410
    assert client.get(link).status_code == 410


def test_the_post_needs_the_pages_csrf_token(app, client, db_session, inbox):
    make_world(db_session)
    link = reminder_link(app, inbox)

    assert client.post(link, data={}).status_code == 400


# Two copies of the commands at once


def _flask(env, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(processes) -> list[str]:
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outputs.append(out)
    return outputs


def test_two_copies_of_each_command_send_each_reminder_once(app, db_session, database_url, mail_server):
    make_world(db_session, supporters=12)
    env = dict(
        os.environ,
        APP_ENV="test",
        DATABASE_URL=database_url,
        SECRET_KEY=TEST_SECRET,
        BASE_URL="http://127.0.0.1:5000",
        SMTP_URL=f"smtp://127.0.0.1:{mail_server.port}",
        MAIL_FROM="Lifelong Links <no-reply@links.example.org>",
    )

    outputs = _finish([_flask(env, "reminders", "send") for _ in range(2)])
    counts = [int(re.search(r"Reminders queued: (\d+) e-mail", out).group(1)) for out in outputs]
    assert sum(counts) == 12, outputs
    assert db_session.scalar(select(func.count(OutboxMessage.id))) == 12
    db_session.commit()

    outputs = _finish([_flask(env, "outbox", "send") for _ in range(2)])
    sent = [int(re.search(r"Sent (\d+) e-mail", out).group(1)) for out in outputs]
    assert sum(sent) == 12, outputs
    # And once more, later: nothing is left to send.
    assert _finish([_flask(env, "outbox", "send")]) == ["Sent 0 e-mail(s).\n"]
    assert _finish([_flask(env, "reminders", "send")])[0].count("Reminders queued: 0 e-mail(s)") == 1

    addresses = [mail["To"] for mail in mail_server.inbox.messages]
    assert len(addresses) == 12 and len(set(addresses)) == 12
    assert all(DONE_LINK.search(mail.get_content()) for mail in mail_server.inbox.messages)
