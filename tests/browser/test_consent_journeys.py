"""A young person agrees and stops on a phone, counting taps: stopping takes no more than agreeing plus
one confirmation. In English and in Arabic (right to left); every consent screen passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.models import Channel, ConsentKind
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.conftest import session_cookie


@pytest.fixture
def jay(app, live_server, db_session, organisation, coordinator, young_person_account):
    app.config["BASE_URL"] = live_server.url
    person = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Jay",
        account_id=young_person_account.id,
        coordinator_id=coordinator.id,
    )
    factories.consent_event(
        db_session, person, kind=ConsentKind.PR_REFERRAL, pr_holder="The council", channel=Channel.IN_PERSON
    )
    maureen = factories.network_member(db_session, person, name="Maureen", relationship_label="nan")
    db_session.commit()
    return {"person": person, "maureen": maureen, "account": young_person_account}


class Finger:
    """Taps things on the phone's screen and counts the taps."""

    def __init__(self):
        self.taps = 0

    def tap(self, locator) -> None:
        expect(locator).to_be_visible()
        locator.tap()
        self.taps += 1


def _buttons(page, language: str) -> dict:
    """The controls a young person taps: by accessible name in English; by what they do in Arabic
    (whose words are translated elsewhere)."""
    if language == "en":
        return {
            "agree": page.get_by_role("button", name="Yes, I want to take part"),
            "start_again": page.get_by_role("button", name="Start again"),
            "stop": page.get_by_role("link", name="Stop taking part"),
            "confirm_stop": page.get_by_role("button", name="Yes, stop for now"),
            "go_back": page.get_by_role("link", name="No, go back"),
            "worried": page.get_by_role("link", name="I'm worried about Maureen"),
        }
    return {
        "agree": page.locator("#taking-part form[action$='/choices/agree'] button"),
        "start_again": page.locator("#taking-part form[action$='/choices/agree'] button"),
        "stop": page.locator("#taking-part a[href$='/choices/stop']"),
        "confirm_stop": page.locator("main form[action$='/choices/stop'] button"),
        "go_back": page.locator("main form[action$='/choices/stop'] a[href$='/me/choices']"),
        "worried": page.locator("main a[href$='/worried']"),
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_young_person_agrees_and_stops_in_as_few_taps_and_starts_again(
    page, live_server, app, db_session, jay, language
):
    base = live_server.url
    page.context.add_cookies(
        [
            {"name": "lang", "value": language, "url": base},
            {"name": "session", "value": session_cookie(app, db_session, jay["account"]), "url": base},
        ]
    )
    choices_url = f"{base}/me/choices"
    page.goto(choices_url)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator("#taking-part .who-can-see")).to_contain_text(jay["person"].coordinator.display_name)
    assert page.locator("input:checked").count() == 0, "no pre-ticked boxes"
    assert_accessible(page, f"on My choices, not yet decided ({language})")
    controls = _buttons(page, language)

    agreeing = Finger()
    agreeing.tap(controls["agree"])
    page.wait_for_url(choices_url)
    expect(controls["stop"]).to_be_visible()
    assert_accessible(page, f"on My choices, taking part ({language})")

    # Changing one's mind on the confirmation page changes nothing.
    page.locator("#taking-part a[href$='/choices/stop']").tap()
    page.wait_for_url(f"{base}/me/choices/stop")
    controls["go_back"].tap()
    page.wait_for_url(choices_url)
    expect(controls["stop"]).to_be_visible()

    stopping = Finger()
    stopping.tap(controls["stop"])
    page.wait_for_url(f"{base}/me/choices/stop")
    expect(page.locator("main .who-can-see")).to_be_attached()
    assert_accessible(page, f"on the stop confirmation ({language})")
    stopping.tap(controls["confirm_stop"])
    page.wait_for_url(choices_url)

    assert agreeing.taps == 1
    assert stopping.taps <= agreeing.taps + 1
    # The paused state: no way to stop again, one way to start again, and the history says what happened.
    expect(page.locator("#taking-part a[href$='/choices/stop']")).to_have_count(0)
    expect(controls["start_again"]).to_be_visible()
    expect(page.locator("#history li")).to_have_count(3)
    if language == "en":
        expect(page.locator("#taking-part h2")).to_have_text("You've stopped for now")
        expect(page.locator("#history li").first).to_contain_text("You stopped for now.")
    assert_accessible(page, f"on My choices, stopped ({language})")

    starting = Finger()
    starting.tap(controls["start_again"])
    page.wait_for_url(choices_url)
    assert starting.taps == 1
    expect(controls["stop"]).to_be_visible()
    expect(page.locator("#history li")).to_have_count(4)

    controls["worried"].tap()
    page.wait_for_url(re.compile(re.escape(base) + r"/me/people/[^/]+/worried$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maureen")
    expect(page.locator("textarea#note")).to_have_value("")
    assert_accessible(page, f"on I'm worried about someone ({language})")
