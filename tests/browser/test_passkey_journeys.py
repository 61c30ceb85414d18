"""A young person's passkey journeys on a phone, with Chromium's virtual authenticator standing in for the
phone's face, fingerprint or PIN check.

WebAuthn refuses IP addresses as relying party IDs, so the pages are opened on ``localhost`` (a secure
context over plain HTTP) and the app is told that origin.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import expect

from app.domain import invitations
from app.models import Role, utcnow
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE_CONTEXT

HOME = re.compile(r"/me/$")
SIGN_IN = re.compile(r"/sign-in$")
PASSKEYS = re.compile(r"/account/passkeys$")

# A phone whose owner always passes the face, fingerprint or PIN check.
VIRTUAL_PHONE = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


class Authenticator:
    """A virtual authenticator in one browser context, driven over the DevTools protocol."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("WebAuthn.enable")
        self.ids: list[str] = []
        self.id = self.add()

    def add(self, transport: str = "internal") -> str:
        """Another authenticator in the same browser ("usb": a security key with a fingerprint reader)."""
        options = {**VIRTUAL_PHONE, "transport": transport}
        added = self.cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
        self.ids.append(added["authenticatorId"])
        return added["authenticatorId"]

    def remove(self, authenticator_id: str) -> None:
        self.cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator_id})
        self.ids.remove(authenticator_id)

    def answer_by_itself(self, enabled: bool) -> None:
        """Whether the person confirms at once. Chromium's virtual authenticator also accepts the autofill
        offer on its own; switched off, that offer waits, as it does for a person who hasn't tapped."""
        for authenticator_id in self.ids:
            self.cdp.send(
                "WebAuthn.setAutomaticPresenceSimulation",
                {"authenticatorId": authenticator_id, "enabled": enabled},
            )

    def credentials(self, authenticator_id: str | None = None) -> list[dict]:
        found = self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id or self.id})
        return found["credentials"]

    def hold(self, credential: dict) -> None:
        """Put a copy of a passkey on this authenticator (a passkey synced to another device)."""
        self.cdp.send("WebAuthn.addCredential", {"authenticatorId": self.id, "credential": credential})


@pytest.fixture
def base(app, live_server) -> str:
    """The site's address on localhost, which the app also uses as its passkey origin."""
    url = live_server.url.replace("127.0.0.1", "localhost")
    app.config["BASE_URL"] = url
    app.config["RP_ID"] = "localhost"
    return url


@pytest.fixture
def invitation_link(db_session, base) -> str:
    """A coordinator has invited a young person, who has no account yet."""
    organisation = factories.organisation(db_session)
    coordinator = factories.account(db_session, role=Role.COORDINATOR, organisation=organisation)
    young_person = factories.young_person(db_session, organisation=organisation, chosen_name="Sam")
    _, token = invitations.invite_young_person(db_session, coordinator, young_person, utcnow())
    db_session.commit()
    return f"{base}/invitation/{token}"


@contextmanager
def another_phone(browser):
    """A second phone: its own browser context and cookies. Like ``page``, it must raise no JS errors."""
    context = browser.new_context(**PHONE_CONTEXT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], "the other phone's page raised JavaScript errors"


def accept_invitation(page, link: str, name: str, *, check_accessibility: bool = False) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Lifelong Links")
    if check_accessibility:
        assert_accessible(page, "on the invitation page")
    page.get_by_label("What should we call you?").fill(name)
    page.get_by_role("button", name="Create my passkey").click()
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")


def open_sign_in(page, url: str, authenticator: Authenticator) -> None:
    """Open the sign-in page (or a page that sends you there) without letting its autofill offer sign
    in before the person taps."""
    authenticator.answer_by_itself(False)
    page.goto(url)
    # Where autofill can offer passkeys, the page asks for a challenge as it loads, and that request also
    # gives this browser its key for challenges: let it finish first, as a person tapping a moment later.
    page.wait_for_load_state("networkidle")
    authenticator.answer_by_itself(True)


def sign_in_with_passkey(page, base: str, authenticator: Authenticator) -> None:
    open_sign_in(page, f"{base}/sign-in", authenticator)
    page.get_by_role("button", name="Sign in with my passkey").click()
    expect(page).to_have_url(HOME)


def sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You're signed out")


def passkey_items(page):
    return page.locator("#passkey-list > li")


def test_invitation_to_home_then_sign_out_and_back_in(page, base, invitation_link):
    phone = Authenticator(page)
    accept_invitation(page, invitation_link, "Sammy", check_accessibility=True)
    assert_accessible(page, "on the young person's home page")

    sign_out(page)
    assert_accessible(page, "on the signed-out page")
    # Signed out means signed out: home sends you to sign in.
    open_sign_in(page, f"{base}/me/", phone)
    expect(page).to_have_url(SIGN_IN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page, "on the sign-in page")
    page.get_by_role("button", name="Sign in with my passkey").click()
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sammy")


def test_the_passkey_offered_in_autofill_signs_in(page, base, invitation_link):
    Authenticator(page)
    accept_invitation(page, invitation_link, "Sammy")
    sign_out(page)
    # The virtual authenticator accepts the browser's autofill offer by itself: no tap needed.
    page.goto(f"{base}/sign-in")
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sammy")


def test_the_invitation_link_works_only_once(page, invitation_link):
    Authenticator(page)
    accept_invitation(page, invitation_link, "Sammy")
    response = page.goto(invitation_link)
    assert response.status == 410


def test_add_a_second_passkey_then_remove_the_first(page, base, invitation_link):
    phone = Authenticator(page)
    accept_invitation(page, invitation_link, "Sammy")
    sign_out(page)
    sign_in_with_passkey(page, base, phone)

    page.get_by_role("link", name="Your passkeys").first.click()
    expect(page).to_have_url(PASSKEYS)
    expect(passkey_items(page)).to_have_count(1)
    assert_accessible(page, "on the passkeys page")

    # A second device, here a security key (Chromium allows one built-in virtual authenticator). The
    # phone already holds a passkey for this account, which the server excludes, so the new one lands
    # on the key.
    first_phone, security_key = phone.id, phone.add("usb")
    page.get_by_role("button", name="Add a passkey").click()
    expect(passkey_items(page)).to_have_count(2)
    [first_credential] = phone.credentials(first_phone)
    assert len(phone.credentials(security_key)) == 1

    first = passkey_items(page).filter(has=page.get_by_role("heading", name="My first passkey"))
    first.get_by_role("button", name="Remove").click()
    expect(page).to_have_url(PASSKEYS)
    expect(page.get_by_text("The passkey was removed.")).to_be_visible()
    expect(passkey_items(page)).to_have_count(1)
    expect(passkey_items(page).get_by_role("heading")).to_have_text("Passkey 2")

    # The passkey on the security key signs in…
    phone.remove(first_phone)
    sign_out(page)
    sign_in_with_passkey(page, base, phone)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sammy")

    # …and the removed one, still on the old phone, no longer does.
    sign_out(page)
    phone.remove(security_key)
    phone.id = phone.add()
    phone.hold(first_credential)
    open_sign_in(page, f"{base}/sign-in", phone)
    page.get_by_role("button", name="Sign in with my passkey").click()
    expect(page.get_by_role("status")).to_have_text(
        "We don't know that passkey. Try another one, or ask your coordinator for help."
    )
    expect(page).to_have_url(SIGN_IN)


def test_sign_out_on_all_devices_ends_the_other_phones_session(page, browser, base, invitation_link):
    phone = Authenticator(page)
    accept_invitation(page, invitation_link, "Sammy")

    # The same passkey, synced to a second phone, signs in there with a session of its own.
    with another_phone(browser) as other:
        other_phone = Authenticator(other)
        other_phone.hold(phone.credentials()[0])
        sign_in_with_passkey(other, base, other_phone)
        expect(other.get_by_role("heading", level=1)).to_have_text("Hello, Sammy")

        page.get_by_role("link", name="Your passkeys").first.click()
        page.get_by_role("button", name="Sign out on all my devices").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("You're signed out")
        # Asked without rendering the sign-in page: there, the virtual authenticator's passkey autofill
        # would sign straight back in (as a real phone offers to), which is not what is tested here.
        for phone_page in (page, other):  # the other phone finds out on its very next request
            answer = phone_page.request.get(f"{base}/me/", max_redirects=0)
            assert answer.status == 303 and answer.headers["location"].endswith("/sign-in")


def test_a_copied_cookie_stops_working_after_sign_out(page, browser, base, invitation_link):
    Authenticator(page)
    accept_invitation(page, invitation_link, "Sammy")
    saved = page.context.cookies()

    with another_phone(browser) as copy:
        # While the session lasts, the cookie is all it takes (which is why sign-out must end it)…
        copy.context.add_cookies(saved)
        copy.goto(f"{base}/me/")
        expect(copy).to_have_url(HOME)
        copy.context.clear_cookies()

        sign_out(page)
        # …and once signed out, the same cookie opens nothing.
        copy.context.add_cookies(saved)
        copy.goto(f"{base}/me/")
        expect(copy).to_have_url(SIGN_IN)


def test_the_journey_in_arabic_runs_right_to_left(app, page, base, invitation_link):
    with app.test_request_context(), force_locale("ar"):
        words = {
            text: _(text)
            for text in (
                "Welcome to Lifelong Links",
                "What should we call you?",
                "Create my passkey",
                "Hello, %(name)s",
                "Sign in",
                "Sign in with my passkey",
            )
        }
    phone = Authenticator(page)
    page.context.add_cookies([{"name": "lang", "value": "ar", "url": base}])
    html = page.locator("html")

    page.goto(invitation_link)
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["Welcome to Lifelong Links"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "on the invitation page in Arabic")
    page.get_by_label(words["What should we call you?"]).fill("سام")
    page.get_by_role("button", name=words["Create my passkey"]).click()
    expect(page).to_have_url(HOME)
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["Hello, %(name)s"] % {"name": "سام"})
    assert_accessible(page, "on the home page in Arabic")

    page.context.clear_cookies()
    page.context.add_cookies([{"name": "lang", "value": "ar", "url": base}])
    open_sign_in(page, f"{base}/sign-in", phone)
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["Sign in"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "on the sign-in page in Arabic")
    page.get_by_role("button", name=words["Sign in with my passkey"]).click()
    expect(page).to_have_url(HOME)
