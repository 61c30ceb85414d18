"""A young person opens the app on their phone, reads the start page and switches language."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible


def test_start_page_on_a_phone_is_welcoming_and_accessible(page, live_server):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The people who matter to you, in one place")
    expect(page.get_by_role("link", name="I help someone stay in touch")).to_be_visible()
    expect(page.get_by_role("link", name="Staff way in")).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "on the start page")


def test_touch_targets_are_at_least_44_pixels(page, live_server):
    page.goto(live_server.url + "/")
    small = page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, select, textarea')]
            .filter(el => el.offsetParent !== null && !el.classList.contains('skip-link'))
            .map(el => ({text: el.textContent.trim(), box: el.getBoundingClientRect()}))
            .filter(({box}) => box.height < 44 || box.width < 44)
            .map(({text, box}) => `${text} ${Math.round(box.width)}x${Math.round(box.height)}`)"""
    )
    assert small == []


def test_skip_link_moves_focus_to_the_main_content(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    ("button", "language", "direction", "heading"),
    [
        ("Cymraeg", "cy", "ltr", None),
        ("العربية", "ar", "rtl", None),
    ],
)
def test_language_switch_translates_and_lays_out_the_page(
    page, live_server, button, language, direction, heading
):
    page.goto(live_server.url + "/for-supporters")
    english_heading = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/for-supporters$"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", direction)
    assert page.get_by_role("heading", level=1).inner_text() != english_heading
    expect(page.get_by_role("button", name=button)).to_have_attribute("aria-pressed", "true")
    if direction == "rtl":
        # The brand sits at the right-hand edge when the page runs right to left.
        box = page.locator(".brand").bounding_box()
        assert box["x"] + box["width"] > 390 / 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, f"in {language}")
    # The choice sticks on the next page.
    page.goto(live_server.url + "/")
    expect(html).to_have_attribute("lang", language)
    assert_accessible(page, f"on the start page in {language}")


@pytest.mark.parametrize("path", ["/for-supporters", "/for-staff", "/offline", "/no-such-page"])
def test_other_public_pages_are_accessible(page, live_server, path):
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, f"on {path}")


def test_dark_mode_keeps_the_page_accessible(page, live_server):
    page.emulate_media(color_scheme="dark", reduced_motion="reduce")
    page.goto(live_server.url + "/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    assert_accessible(page, "in dark mode")


def test_request_logs_never_show_a_link_token(page, live_server, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="werkzeug")
    page.goto(live_server.url + "/invitation/THIS-IS-A-SECRET-TOKEN")
    page.goto(live_server.url + "/sign-in/link/ANOTHER-SECRET-TOKEN")
    assert "/invitation/[redacted]" in caplog.text
    assert "SECRET-TOKEN" not in caplog.text
