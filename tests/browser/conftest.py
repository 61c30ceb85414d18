"""Real Chromium on a phone-sized screen, driven by Playwright, against the app on a loopback port.

Where Chromium is missing the browser tests are skipped with one line saying how to install it, except
under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

PHONE = {"width": 390, "height": 844}
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
INSTALL_HINT = "install it with `sudo apt-get install chromium` (Debian) or set CHROMIUM_PATH"


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if Path(candidate).is_file():
        return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


class LiveServer:
    """The app served by Werkzeug in a thread, on a free port on 127.0.0.1."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.server.shutdown()
            self.server.server_close()
            self.running = False


@pytest.fixture
def live_server(app):
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium is required under CI: {INSTALL_HINT}")
        pytest.skip(f"browser tests need Chromium: {INSTALL_HINT}")
    return path


@pytest.fixture(scope="session")
def playwright(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright, chromium):
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True)
    yield browser
    browser.close()


PHONE_CONTEXT = {
    "viewport": PHONE,
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
    "service_workers": "allow",
}


@dataclass
class Watch:
    """What went wrong in the page while a test used it."""

    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context (no cookies, no service worker from other tests)."""
    context = browser.new_context(**PHONE_CONTEXT)
    yield context
    context.close()


@pytest.fixture
def installed_phone(playwright, chromium, tmp_path):
    """A phone with a real profile on disk: Chrome never offers to install an app in incognito."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium,
        args=CHROMIUM_FLAGS,
        headless=True,
        **PHONE_CONTEXT,
    )
    yield context
    context.close()


@pytest.fixture
def page(phone):
    page = phone.new_page()
    watch = Watch()

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            watch.csp_violations.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    page.watch = watch
    yield page
    assert watch.csp_violations == [], "the page broke the Content Security Policy"
    assert watch.page_errors == [], "the page raised JavaScript errors"


def session_cookie(app, db_session, account) -> str:
    """A real server-side session for ``account``, as the signed cookie a browser would hold."""
    from app.domain.sessions import start_session
    from app.models import utcnow

    token = start_session(db_session, account, "passkey", utcnow())
    db_session.commit()
    return app.session_interface.get_signing_serializer(app).dumps(
        {"sid": token, "_user_id": account.public_id}
    )
