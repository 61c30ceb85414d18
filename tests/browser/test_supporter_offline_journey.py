"""Issue 7 on a phone: a supporter says "I did it" online, then again with no signal; what waited is sent
once when the phone is back, and the young person sees both and answers one. Each page passes axe in
English and Arabic."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.domain import schedules
from app.models import CommitmentKind, Confirmation, PlanStatus, Role, ScheduleKind, utcnow
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.conftest import session_cookie
from tests.browser.test_installable_offline import wait_for_service_worker

WAITING = {"en": "Waiting to send (1)", "ar": "بانتظار الإرسال (1)"}


@pytest.fixture
def family(app, live_server, db_session, organisation, young_person_account):
    """Jay's active plan: Maureen promised a birthday call and a visit, both due today."""
    app.config["BASE_URL"] = live_server.url
    today = schedules.today_in(None, utcnow())
    person = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Jay",
        account_id=young_person_account.id,
        date_of_birth=date(2010, today.month, min(today.day, 28)),
    )
    factories.consent_to_contact(db_session, person)
    supporter = factories.account(db_session, role=Role.SUPPORTER, display_name="Maureen")
    maureen = factories.agreed_supporter(db_session, person, name="Maureen", account_id=supporter.id)
    plan = factories.plan(db_session, person, status=PlanStatus.ACTIVE, agreed_on=today)
    call = factories.commitment(
        db_session,
        plan,
        supporters=[maureen],
        kind=CommitmentKind.BIRTHDAY_CALL,
        schedule=ScheduleKind.YEARLY_BIRTHDAY,
        description="Ring Jay on their birthday",
    )
    visit = factories.commitment(
        db_session,
        plan,
        supporters=[maureen],
        kind=CommitmentKind.VISIT,
        schedule=ScheduleKind.ONCE,
        starts_on=today,
        description="Take Jay to the seaside",
    )
    world = {
        "young_person": young_person_account,
        "supporter": supporter,
        "call": factories.occurrence(db_session, call, due_on=today),
        "visit": factories.occurrence(db_session, visit, due_on=today),
    }
    db_session.commit()
    return world


def _confirmations(db_session, occurrence) -> int:
    db_session.expire_all()
    return db_session.scalar(
        select(func.count()).select_from(Confirmation).where(Confirmation.occurrence_id == occurrence.id)
    )


def _sign_in(page, app, db_session, base: str, account, language: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {"name": "lang", "value": language, "url": base},
            {"name": "session", "value": session_cookie(app, db_session, account), "url": base},
        ]
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_what_a_supporter_did_offline_is_sent_once_when_back_online(
    page, live_server, app, db_session, family, language
):
    base = live_server.url
    call, visit = f"#occurrence-{family['call'].public_id}", f"#occurrence-{family['visit'].public_id}"
    _sign_in(page, app, db_session, base, family["supporter"], language)
    page.goto(base + "/supporting/")
    wait_for_service_worker(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    assert_accessible(page, f"on the supporter's home with two things due ({language})")

    # Online: the birthday call is confirmed in place.
    page.locator(f"{call} form > button[value=done]").click()
    expect(page.locator(f"{call} .status")).to_be_visible()
    assert _confirmations(db_session, family["call"]) == 1

    # No signal: the visit waits on the phone, and the page says so.
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    page.locator(f"{visit} form > button[value=done]").click()
    expect(page.locator("#offline-queue")).to_have_text(WAITING[language])
    expect(page.locator(f"{visit} .queue-note")).to_be_visible()
    expect(page.locator(f"{visit} form > button[value=done]")).to_be_disabled()
    assert_accessible(page, f"with one thing waiting to send ({language})")
    assert _confirmations(db_session, family["visit"]) == 0

    # Back online: it is sent (with a fresh CSRF token and the same idempotency key) and the card updates.
    page.context.set_offline(False)
    expect(page.locator("#offline-queue")).to_be_empty()
    expect(page.locator(f"{visit} .status")).to_be_visible()
    expect(page.locator(f"{visit} .queue-note")).to_have_count(0)
    assert _confirmations(db_session, family["visit"]) == 1
    # Loading the page again sends nothing more; both are now among what Maureen has done.
    page.reload()
    expect(page.locator(f"{call}, {visit}")).to_have_count(0)
    expect(page.locator("#offline-queue")).to_be_empty()
    assert_accessible(page, f"after both were sent ({language})")
    assert [_confirmations(db_session, family[name]) for name in ("call", "visit")] == [1, 1]

    # The young person (the same phone, signed in as Jay) sees both and answers one.
    _sign_in(page, app, db_session, base, family["young_person"], language)
    page.goto(base + "/me/plan")
    news = page.locator("section[aria-labelledby=news-title] li")
    expect(news).to_have_count(2)
    expect(news.first).to_contain_text("Maureen")
    assert_accessible(page, f"on My plan with news from Maureen ({language})")
    news.first.locator("button[value=yes]").click()
    expect(news).to_have_count(1)
    assert_accessible(page, f"on My plan after answering ({language})")
    db_session.expire_all()
    answered = db_session.scalars(select(Confirmation).where(Confirmation.acknowledgement.is_not(None))).all()
    assert len(answered) == 1


# Whose actions wait in the phone's queue (IndexedDB), read in the page.
QUEUED_FOR = """async () => {
    if (!(await indexedDB.databases()).some((found) => found.name === "offline-queue")) return [];
    const opened = indexedDB.open("offline-queue");
    const db = await new Promise((resolve) => { opened.onsuccess = () => resolve(opened.result); });
    const all = db.transaction("actions").objectStore("actions").getAll();
    const items = await new Promise((resolve) => { all.onsuccess = () => resolve(all.result); });
    db.close();
    return items.map((item) => item.account);
}"""
# The service worker's Background Sync has run (and finished) for what was queued.
SYNC_SETTLED = "async () => (await (await navigator.serviceWorker.ready).sync.getTags()).length === 0"


def test_a_shared_phone_sends_a_queue_only_as_its_own_account_and_sign_out_wipes_it(
    page, live_server, app, db_session, family
):
    base = live_server.url
    maureen = family["supporter"].public_id
    call, visit = f"#occurrence-{family['call'].public_id}", f"#occurrence-{family['visit'].public_id}"
    _sign_in(page, app, db_session, base, family["supporter"], "en")
    page.goto(base + "/supporting/")
    wait_for_service_worker(page)
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    page.locator(f"{visit} form > button[value=done]").click()
    expect(page.locator("#offline-queue")).to_have_text(WAITING["en"])

    # Her session ends before the signal comes back: the page and the service worker both keep it.
    page.context.clear_cookies()
    page.context.set_offline(False)
    page.wait_for_function(SYNC_SETTLED)
    page.goto(base + "/supporting/")
    page.wait_for_url(base + "/sign-in")
    assert page.evaluate(QUEUED_FOR) == [maureen]

    # Jay borrows the phone: nothing of Maureen's is sent as Jay, or shown to him.
    _sign_in(page, app, db_session, base, family["young_person"], "en")
    page.goto(base + "/me/plan")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#offline-queue")).to_be_empty()
    assert page.evaluate(QUEUED_FOR) == [maureen]
    assert _confirmations(db_session, family["visit"]) == 0

    # Maureen signs in again: it is sent as soon as her page loads.
    _sign_in(page, app, db_session, base, family["supporter"], "en")
    page.goto(base + "/supporting/")
    expect(page.locator(f"{visit} .status")).to_be_visible()
    expect(page.locator("#offline-queue")).to_be_empty()
    assert _confirmations(db_session, family["visit"]) == 1

    # Signing out wipes her queue, even with no signal (when the server can't clear the site's data).
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    page.locator(f"{call} form > button[value=done]").click()
    expect(page.locator("#offline-queue")).to_have_text(WAITING["en"])
    with page.expect_event("requestfailed", lambda request: request.url == base + "/sign-out"):
        page.get_by_role("button", name="Sign out").click()
    page.context.set_offline(False)
    page.goto(base + "/supporting/")
    expect(page.locator(f"{call} form > button[value=done]")).to_be_enabled()
    assert page.evaluate(QUEUED_FOR) == []
    assert _confirmations(db_session, family["call"]) == 0
