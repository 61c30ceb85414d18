"""A supporter signs in from the e-mail on a phone; every sign-in screen passes axe in English and Arabic."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from app.domain import invitations
from app.models import Role, utcnow
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.conftest import session_cookie
from tests.mail import Inbox, MailServer


@pytest.fixture
def inbox(app):
    server = MailServer(Inbox())
    server.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{server.port}"
    yield server.inbox
    server.stop()


@pytest.fixture
def world(app, live_server, db_session, organisation, coordinator, admin):
    app.config["BASE_URL"] = live_server.url
    person = factories.young_person(db_session, organisation=organisation, chosen_name="Jay")
    supporter = factories.account(
        db_session, role=Role.SUPPORTER, display_name="Maureen", email="nan@example.org"
    )
    member = factories.network_member(db_session, person, name="Maureen", account_id=supporter.id)
    factories.network_member(db_session, person, name="Dev")
    db_session.commit()
    return {
        "person": person,
        "member": member,
        "supporter": supporter,
        "coordinator": coordinator,
        "admin": admin,
    }


def _wait_for(inbox: Inbox, count: int) -> None:
    deadline = time.monotonic() + 20  # the link is sent after the response; a busy machine is slow
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(inbox.messages) >= count, "the e-mail never arrived"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_supporter_asks_for_a_link_opens_it_from_the_email_and_is_signed_in(
    page, live_server, world, inbox, language
):
    page.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    page.goto(live_server.url + "/sign-in/email")
    assert_accessible(page, f"on the e-mail link form ({language})")
    page.locator("input[type=email]").fill("Nan@Example.org ")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/sign-in/email/sent")
    assert_accessible(page, f"on the link-sent page ({language})")

    _wait_for(inbox, 1)
    page.goto(inbox.link())
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    assert_accessible(page, f"on the link page ({language})")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/supporting/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maureen")
    expect(page.locator("main")).to_contain_text("Jay")
    assert_accessible(page, f"on the supporter's home ({language})")


SCREENS = {
    None: ["/sign-in", "/signed-out", "/sign-in/email", "/sign-in/email/sent", "/sign-in/link/not-a-token"],
    "supporter": ["/supporting/", "/account/passkeys", "/account/confirm"],
    "coordinator": ["/staff/", "/staff/young-people/{person}"],
    "admin": ["/staff/colleagues/invite"],
}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_sign_in_screen_passes_axe(page, live_server, app, db_session, world, language):
    base = live_server.url
    page.context.add_cookies([{"name": "lang", "value": language, "url": base}])
    _invitation, young_token = invitations.invite_young_person(
        db_session,
        world["coordinator"],
        factories.young_person(db_session, organisation=world["person"].organisation),
        utcnow(),
    )
    cleared = factories.network_member(db_session, world["person"], name="Sue")
    factories.consent_to_contact(db_session, world["person"], cleared)
    _invitation, supporter_token, _code = invitations.invite_supporter(
        db_session, world["coordinator"], cleared, "sue@example.org", utcnow()
    )
    db_session.commit()
    screens = [*SCREENS[None], f"/invitation/{young_token}", f"/invitation/{supporter_token}"]
    for path in screens:
        page.goto(base + path)
        assert_accessible(page, f"on {path} ({language})")
    for role in ("supporter", "coordinator", "admin"):
        account = world[role]
        page.context.clear_cookies()
        page.context.add_cookies(
            [
                {"name": "lang", "value": language, "url": base},
                {"name": "session", "value": session_cookie(app, db_session, account), "url": base},
            ]
        )
        for path in SCREENS[role]:
            page.goto(base + path.format(person=world["person"].public_id))
            assert page.url.startswith(base + path.split("{")[0]), f"{role} was sent elsewhere from {path}"
            assert_accessible(page, f"on {path} as {role} ({language})")
    # The invitation a coordinator hands out, with its QR code.
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {"name": "lang", "value": language, "url": base},
            {"name": "session", "value": session_cookie(app, db_session, world["coordinator"]), "url": base},
        ]
    )
    newcomer = factories.young_person(
        db_session, organisation=world["person"].organisation, chosen_name="Kai"
    )
    db_session.commit()
    page.goto(base + f"/staff/young-people/{newcomer.public_id}")
    page.locator(f"form[action='/staff/young-people/{newcomer.public_id}/invitation'] button").click()
    expect(page.locator("svg.qr")).to_be_visible()
    assert_accessible(page, f"on the invitation link page ({language})")
