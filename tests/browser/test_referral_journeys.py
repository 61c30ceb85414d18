"""Referrals in a real browser: a care leaver asks for Lifelong Links on their phone and makes their
passkey (in English and in Welsh); an answer of "no" and an under-18 store nothing; the questions form's
error summary; a coordinator triages a referral and tries the policy in Arabic. Every page passes axe.

The database is read directly to check what the journeys stored, and what they did not.
"""

from __future__ import annotations

import base64
import re
from datetime import date

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.demo_referrals import example_policy
from app.domain import self_referral
from app.models import (
    Account,
    AuditEvent,
    CaseStatus,
    Passkey,
    Referral,
    ReferralRoute,
    ReferralStatus,
    Role,
    YoungPerson,
    utcnow,
)
from tests import factories
from tests.browser import test_passkey_journeys as passkey_journeys
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE, session_cookie

# From the passkey journeys: the phone's virtual authenticator, and the ``base`` fixture (the site on
# localhost, which the app also takes as its passkey origin).
Authenticator = passkey_journeys.Authenticator
base = passkey_journeys.base

WELCOME_HOME = re.compile(r"/me/(\?welcome=1)?$")
COUNTED = (Account, YoungPerson, Referral, Passkey, AuditEvent)
TODAY = date.today()
ADULT_CARE_LEAVER = date(TODAY.year - 21, 6, 15)  # 20 or 21: within Barking and Dagenham's 18 to 24
UNDER_18 = date(TODAY.year - 16, 2, 1)


def words(app, language: str):
    """The page's words in ``language``, from the same catalogues the app uses."""

    def say(text: str, **values) -> str:
        with app.test_request_context(), force_locale(language):
            return _(text, **values)

    return say


def rows(db_session) -> dict[str, int]:
    """How many rows each table that a referral writes to holds now."""
    db_session.expire_all()
    return {
        model.__tablename__: db_session.scalar(select(func.count()).select_from(model)) for model in COUNTED
    }


def check_page(page, where: str) -> None:
    """Fits the phone without sideways scrolling, and axe finds nothing."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"too wide {where}"
    assert_accessible(page, where)


@pytest.fixture
def councils(db_session):
    """Barking and Dagenham's example opens self-referral to care leavers aged 18 to 24; Durham's doesn't."""
    barking = factories.organisation(
        db_session,
        name="Barking and Dagenham",
        slug="barking-and-dagenham",
        policy=example_policy("barking-and-dagenham"),
        policy_name="barking-and-dagenham",
    )
    durham = factories.organisation(
        db_session, name="Durham", slug="durham", policy=example_policy("durham"), policy_name="durham"
    )
    db_session.commit()
    return {"barking": barking, "durham": durham}


def answer_questions(page, say, born: date | None, in_care: str | None = "Yes", *ticks: str) -> None:
    if born is not None:
        page.get_by_label(say("What is your date of birth?")).fill(born.isoformat())
    if in_care is not None:
        page.get_by_label(say(in_care), exact=True).check()
    for tick in ticks:
        page.get_by_label(say(tick)).check()
    page.get_by_role("button", name=say("See if Lifelong Links can help")).click()


def open_questions(page, url: str) -> None:
    page.goto(f"{url}/refer/")
    page.get_by_role("link", name="Barking and Dagenham", exact=True).click()
    expect(page).to_have_url(f"{url}/refer/barking-and-dagenham")


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_care_leaver_asks_for_lifelong_links_and_makes_their_passkey(
    app, page, base, db_session, councils, language
):
    say = words(app, language)
    html = page.locator("html")
    phone = Authenticator(page)
    before = rows(db_session)

    page.goto(f"{base}/")
    if language == "cy":
        page.get_by_role("button", name="Cymraeg").click()
        page.wait_for_url(f"{base}/")
    expect(html).to_have_attribute("lang", language)
    check_page(page, f"on the start page ({language})")

    page.get_by_role("link", name=say("Ask for Lifelong Links"), exact=True).click()
    expect(page).to_have_url(f"{base}/refer/")
    expect(html).to_have_attribute("lang", language)
    # Only councils whose policy lets young people ask for themselves are offered.
    expect(page.get_by_role("link", name="Durham", exact=True)).to_have_count(0)
    check_page(page, f"on choose your council ({language})")

    page.get_by_role("link", name="Barking and Dagenham", exact=True).click()
    expect(page).to_have_url(f"{base}/refer/barking-and-dagenham")
    expect(page.get_by_label(say("What is your date of birth?"))).to_have_attribute("type", "date")
    expect(page.locator("input:checked")).to_have_count(0)  # nothing is ticked for them
    check_page(page, f"on the questions ({language})")
    answer_questions(page, say, ADULT_CARE_LEAVER, "Yes")

    expect(page).to_have_url(f"{base}/refer/barking-and-dagenham/contact")
    expect(html).to_have_attribute("lang", language)
    expect(page.locator(".answer--eligible h1")).to_have_text(say("Lifelong Links can help you"))
    expect(page.get_by_role("heading", name=say("What happens next"))).to_be_visible()
    if language == "en":
        expect(page.locator("main")).to_contain_text("A coordinator will get in touch by")
    check_page(page, f"on the contact page ({language})")
    page.get_by_label(say("What should we call you?")).fill("Robin")
    page.get_by_label(say("E-mail address"), exact=True).fill("robin@example.org")
    page.get_by_role("button", name=say("Next"), exact=True).click()

    expect(page).to_have_url(f"{base}/refer/barking-and-dagenham/passkey")
    expect(page.locator("main")).to_contain_text("Robin")
    check_page(page, f"on the passkey page ({language})")
    assert rows(db_session) == before, "something was stored before the passkey existed"

    page.get_by_role("button", name=say("Make my passkey and send my request")).click()
    expect(page).to_have_url(WELCOME_HOME)
    expect(html).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Hello, %(name)s", name="Robin"))
    request_card = page.locator(".card--highlight").filter(has_text="Barking and Dagenham")
    expect(request_card).to_have_count(1)
    if language == "en":
        expect(request_card.get_by_role("heading")).to_have_text("Your request is with Barking and Dagenham")
        expect(request_card).to_contain_text("A coordinator will get in touch by")
    check_page(page, f"on the young person's home ({language})")

    after = rows(db_session)
    assert {table: after[table] - before[table] for table in ("accounts", "young_people", "referrals")} == {
        "accounts": 1,
        "young_people": 1,
        "referrals": 1,
    }
    assert after["passkeys"] == before["passkeys"] + 1
    referral = db_session.scalars(select(Referral)).one()
    person = referral.young_person
    assert referral.organisation_id == councils["barking"].id
    assert (referral.route, referral.status, referral.result) == (
        ReferralRoute.SELF,
        ReferralStatus.NEW,
        "eligible",
    )
    assert referral.care_leaver and referral.contact_email == "robin@example.org"
    assert (person.chosen_name, person.date_of_birth, person.status) == (
        "Robin",
        ADULT_CARE_LEAVER,
        CaseStatus.REFERRED,
    )
    assert (person.account.role, person.account.language) == (Role.YOUNG_PERSON, language)
    [passkey] = person.account.passkeys
    [credential] = phone.credentials()
    assert passkey.credential_id == base64.b64decode(credential["credentialId"])


@pytest.mark.parametrize(
    ("born", "ticks", "heading", "explains"),
    [
        pytest.param(
            date(1990, 4, 1),
            ["I hope to find family who live in another country"],
            "Lifelong Links here can't help this time",
            [
                "Lifelong Links here is for young people younger than 25 years.",
                "Talk to your personal adviser from the leaving care team.",
                "British Red Cross family tracing",
            ],
            id="too-old",
        ),
        pytest.param(
            UNDER_18,
            [],
            "Talk to your social worker",
            ["If you are under 18, your social worker asks for Lifelong Links for you."],
            id="under-18",
        ),
    ],
)
def test_when_lifelong_links_cannot_help_nothing_is_stored(
    app, page, live_server, db_session, councils, born, ticks, heading, explains
):
    say = words(app, "en")
    before = rows(db_session)
    open_questions(page, live_server.url)
    answer_questions(page, say, born, "Yes", *ticks)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    main = page.locator("main")
    for text in explains:
        expect(main).to_contain_text(text)
    expect(main).to_contain_text("We have not saved anything about you.")
    expect(page.get_by_role("link", name="Back to the start")).to_be_visible()
    check_page(page, f"on the answer for {born.isoformat()}")
    assert rows(db_session) == before

    # Not even the answers wait in the browser: the contact step sends them back to the questions.
    page.goto(f"{live_server.url}/refer/barking-and-dagenham/contact")
    expect(page).to_have_url(f"{live_server.url}/refer/barking-and-dagenham")


def test_the_questions_say_what_is_missing_and_keep_what_was_given(app, page, live_server, councils):
    say = words(app, "en")
    open_questions(page, live_server.url)
    answer_questions(page, say, None, None)

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Enter your date of birth")).to_have_attribute("href", "#born")
    expect(summary.get_by_role("link", name="Choose yes or no")).to_have_attribute(
        "href", "#care_experienced"
    )
    expect(page.locator("#born")).to_have_attribute("aria-invalid", "true")
    check_page(page, "on the questions with two errors")

    # Each link takes them to its question: the date box, or the yes-or-no question, whose first
    # answer is the next stop for the keyboard.
    summary.get_by_role("link", name="Enter your date of birth").click()
    expect(page.locator("#born")).to_be_focused()
    summary.get_by_role("link", name="Choose yes or no").click()
    expect(page).to_have_url(re.compile(r"#care_experienced$"))
    page.keyboard.press("Tab")
    expect(page.get_by_label("Yes", exact=True)).to_be_focused()

    # Fix one, get the other wrong: the answer given stays, the error moves.
    page.get_by_label("No", exact=True).check()
    page.get_by_label("What is your date of birth?").fill(f"{TODAY.year + 2}-01-01")
    page.get_by_role("button", name="See if Lifelong Links can help").click()
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_attribute("href", "#born")
    expect(page.get_by_label("No", exact=True)).to_be_checked()
    expect(page.get_by_label("What is your date of birth?")).to_have_value(f"{TODAY.year + 2}-01-01")
    check_page(page, "on the questions with one error")

    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("What is your date of birth?").fill(ADULT_CARE_LEAVER.isoformat())
    page.get_by_role("button", name="See if Lifelong Links can help").click()
    expect(page).to_have_url(f"{live_server.url}/refer/barking-and-dagenham/contact")


def test_the_error_summary_takes_focus(app, page, live_server, councils):
    say = words(app, "en")
    open_questions(page, live_server.url)
    answer_questions(page, say, None, None)
    expect(page.locator("#error-summary")).to_be_focused(timeout=1000)


@pytest.fixture
def waiting_referral(db_session, organisation, coordinator):
    """Riley asked Barking and Dagenham's example policy for themselves; a second coordinator, Priya."""
    organisation.policy = example_policy("barking-and-dagenham")
    organisation.policy_name = "barking-and-dagenham"
    priya = factories.account(
        db_session, role=Role.COORDINATOR, organisation=organisation, display_name="Priya"
    )
    answers = self_referral.SelfReferralAnswers(born=ADULT_CARE_LEAVER, care_experienced=True)
    contact = self_referral.Contact(name="Riley", email="riley@example.org", phone=None)
    _person, referral = self_referral.create_self_referral(
        db_session, organisation, answers, contact, utcnow()
    )
    db_session.commit()
    return {"referral": referral, "priya": priya}


def sign_in_as(page, app, db_session, url: str, account) -> None:
    cookie = session_cookie(app, db_session, account)
    page.context.add_cookies([{"name": "session", "value": cookie, "url": url}])


def test_a_coordinator_accepts_a_waiting_referral(
    app, page, live_server, db_session, coordinator, waiting_referral
):
    url, referral = live_server.url, waiting_referral["referral"]
    sign_in_as(page, app, db_session, url, coordinator)
    page.goto(f"{url}/staff/")
    page.get_by_role("link", name="Referrals (1)").click()

    expect(page).to_have_url(f"{url}/staff/referrals")
    waiting = page.locator(".referral-queue > li")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Eligible")
    expect(waiting).to_contain_text("Asked for themselves")
    expect(waiting).to_contain_text(re.compile(r"waiting (today|1 day)"))  # made just now
    check_page(page, "on the referrals queue")

    waiting.get_by_role("link", name="Riley").click()
    expect(page).to_have_url(f"{url}/staff/referrals/{referral.public_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral: Riley")
    expect(page.locator(".answer--eligible")).to_be_visible()
    expect(page.get_by_role("link", name="riley@example.org")).to_be_visible()
    check_page(page, "on the referral")

    page.get_by_label("Their coordinator").select_option(label="Priya")
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page).to_have_url(f"{url}/staff/referrals/{referral.public_id}")
    expect(page.locator("main")).to_contain_text("Accepted. The young person's record now waits for consent.")
    expect(page.get_by_role("heading", name="Accepted", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Accept", exact=True)).to_have_count(0)
    check_page(page, "on the accepted referral")

    db_session.expire_all()
    stored = db_session.get(Referral, referral.id)
    assert stored.status is ReferralStatus.ACCEPTED
    assert stored.decided_by_id == coordinator.id
    assert stored.young_person.coordinator_id == waiting_referral["priya"].id
    assert stored.young_person.status is CaseStatus.CONSENT_PENDING

    page.get_by_role("link", name="Back to referrals").click()
    expect(page.locator(".referral-queue")).to_have_count(0)
    expect(page.get_by_text("No new referrals. Well done!")).to_be_visible()


def test_a_coordinator_tries_the_policy_in_arabic(
    app, page, live_server, db_session, coordinator, organisation
):
    organisation.policy = example_policy("barking-and-dagenham")
    organisation.policy_name = "barking-and-dagenham"
    db_session.commit()
    say = words(app, "ar")
    url, html = live_server.url, page.locator("html")
    sign_in_as(page, app, db_session, url, coordinator)
    page.goto(f"{url}/staff/")
    page.get_by_role("button", name="العربية").click()
    page.wait_for_url(f"{url}/staff/")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")

    page.get_by_role("link", name=say("Try our eligibility policy")).click()
    expect(page).to_have_url(f"{url}/staff/eligibility")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator(".answer")).to_have_count(0)
    check_page(page, "on the policy-try screen in Arabic")

    # A care leaver of 20 or 21 asking for themselves: eligible.
    page.get_by_label(say("Date of birth"), exact=True).fill(ADULT_CARE_LEAVER.isoformat())
    page.get_by_label(say("Left care (care leaver)")).check()
    page.get_by_label(say("They are asking for themselves (self-referral)")).check()
    page.get_by_role("button", name=say("Check"), exact=True).click()
    answer = page.locator(".answer--eligible")
    expect(answer.get_by_role("heading", level=2)).to_have_text(
        say("The policy says: %(answer)s", answer=say("Eligible"))
    )
    expect(html).to_have_attribute("dir", "rtl")
    # What was typed stays, to try the next case.
    expect(page.get_by_label(say("Date of birth"), exact=True)).to_have_value(ADULT_CARE_LEAVER.isoformat())
    expect(page.get_by_label(say("They are asking for themselves (self-referral)"))).to_be_checked()
    check_page(page, "on the policy's answer in Arabic")

    # The same young person, still in care under a plan to go home: not eligible, with a reason.
    page.get_by_label(say("In care"), exact=True).check()
    page.get_by_label(say("They are asking for themselves (self-referral)")).uncheck()
    page.get_by_label(say("Care plan")).select_option("return_home")
    page.get_by_role("button", name=say("Check"), exact=True).click()
    refused = page.locator(".answer--not_eligible")
    expect(refused.get_by_role("heading", level=2)).to_have_text(
        say("The policy says: %(answer)s", answer=say("Not eligible"))
    )
    expect(refused.get_by_role("listitem").first).to_be_visible()
    check_page(page, "on a not-eligible answer in Arabic")
