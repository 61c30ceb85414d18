"""Close my account, over HTTP: a care leaver reads what goes and what is kept, confirms, and is gone.

A child in care is told kindly why their account stays open and cannot close it; supporters and staff
never reach these pages.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select, update

from app.domain import photos
from app.models import (
    Account,
    AuditEvent,
    JourneyEntry,
    JourneyPhoto,
    LegalStatus,
    Role,
    UserSession,
    YoungPerson,
    utcnow,
)
from tests import factories
from tests.helpers import PageClient, phone_of, text

PAGE = "/me/account/close"
PHOTO = f"{7:032x}.jpg"


def section_after(soup: BeautifulSoup, heading: str) -> list[str]:
    found = soup.find("h2", string=heading)
    assert found is not None, f"no heading {heading!r}"
    return [text(item) for item in found.find_next_sibling("ul").find_all("li")]


@pytest.fixture
def leaver(app, db_session, organisation, coordinator, young_person_account) -> YoungPerson:
    """Kai, 20, a care leaver with a page in their journey book (and a photo on it) and Nan."""
    person = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Kai",
        account_id=young_person_account.id,
        coordinator_id=coordinator.id,
        legal_status=LegalStatus.CARE_LEAVER,
        date_of_birth=date.today() - timedelta(days=20 * 366),
    )
    factories.supporter_with_account(db_session, person, name="Nan")
    entry = factories.journey_entry(db_session, person, author_account_id=young_person_account.id)
    photos.path_of(photos.photo_dir(app.config), PHOTO).write_bytes(b"\xff\xd8 a photo \xff\xd9")
    db_session.add(JourneyPhoto(entry=entry, storage_name=PHOTO, width=4, height=3, size_bytes=13))
    db_session.commit()
    return person


@pytest.fixture
def kai(app, leaver, young_person_account) -> PageClient:
    return phone_of(app, young_person_account)


def make_stale(db_session, account: Account) -> None:
    db_session.execute(
        update(UserSession)
        .where(UserSession.account_id == account.id)
        .values(fresh_until=utcnow() - timedelta(minutes=1))
    )
    db_session.commit()


def close(client: PageClient, soup: BeautifulSoup, **data):
    return client.submit(soup, "form[action='/me/account/close']", data)


def test_a_care_leaver_reads_what_is_erased_and_what_is_kept_and_why(app, kai, coordinator):
    soup = kai.get_page("youth.close_account")

    erased = section_after(soup, "What we erase")
    kept = section_after(soup, "What we keep, and why")
    assert any(line.startswith("Your journey book") for line in erased)
    assert any("review that hasn't happened yet" in line for line in erased)
    assert any(
        "The record of what you agreed to and when." in line and "The law asks us to keep it" in line
        for line in kept
    )
    assert any(
        "Councils must keep the records of children in care until they turn 75" in line for line in kept
    )
    audit = "A list of who looked at or changed your records."
    assert f"{audit} We keep it to keep you safe, and it is never changed." in kept
    assert soup.find("a", string="Download everything")["href"] == kai.url("youth.download")
    form = soup.select_one("form[action='/me/account/close']")
    assert form.find("input", attrs={"type": "checkbox", "name": "understood"}).get("checked") is None
    assert "Close my account for good" in text(form)
    assert coordinator.display_name in text(soup.select_one("main"))


def test_a_stale_sign_in_is_asked_to_confirm_it_is_them_first(db_session, kai, young_person_account):
    soup = kai.get_page("youth.close_account")
    make_stale(db_session, young_person_account)

    for response in (kai.get(PAGE), close(kai, soup, understood="y")):
        assert response.status_code == 303
        assert response.headers["Location"] == "/account/confirm?next=/me/account/close"
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(JourneyEntry)) == 1


def test_closing_without_ticking_the_box_explains_what_is_missing(db_session, kai):
    soup = kai.get_page("youth.close_account")

    response = close(kai, soup)

    assert response.status_code == 400
    page = BeautifulSoup(response.data, "html.parser")
    assert [text(item) for item in page.select("#error-summary li")] == [
        "Tick the box to show you understand it can't be undone"
    ]
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(JourneyEntry)) == 1
    assert kai.get("/me/").status_code == 200


def test_closing_erases_their_book_signs_them_out_everywhere_and_says_goodbye(
    app, db_session, kai, leaver, young_person_account
):
    laptop = phone_of(app, young_person_account)
    soup = kai.get_page("youth.close_account")

    response = close(kai, soup, understood="y")

    assert response.status_code == 200
    goodbye = BeautifulSoup(response.data, "html.parser")
    assert text(goodbye.find("h1")) == "Your account is closed"
    assert leaver.organisation.email in text(goodbye.select_one("main"))
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert goodbye.select_one("[data-account]") is None
    for device in (kai, laptop):
        after = device.get("/me/")
        assert after.status_code in (302, 303) and after.headers["Location"].startswith("/sign-in")

    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(JourneyEntry)) == 0
    assert not photos.path_of(photos.photo_dir(app.config), PHOTO).exists()
    account = db_session.get(Account, young_person_account.id)
    assert account.disabled_at is not None and account.email is None
    assert db_session.scalar(select(func.count()).where(UserSession.account_id == account.id)) == 0
    person = db_session.get(YoungPerson, leaver.id)
    assert person.erased_at is not None and person.account_id is None
    assert db_session.scalar(select(AuditEvent.action).where(AuditEvent.action == "account.erased"))


def test_a_fifteen_year_old_in_care_is_told_why_and_cannot_close(db_session, kai, leaver, coordinator):
    leaver.legal_status = LegalStatus.CARE_ORDER
    leaver.date_of_birth = date.today() - timedelta(days=15 * 366)
    db_session.commit()

    soup = kai.get_page("youth.close_account")

    main = text(soup.select_one("main"))
    assert "Your account stays open while you are in care." in main
    assert f"your coordinator, {coordinator.display_name}, can help" in main
    assert "delete pages of your journey book" in main
    assert soup.select_one("form[action='/me/account/close']") is None
    response = kai.post(PAGE, data={"csrf_token": kai.csrf_token(soup), "understood": "y"})
    assert response.status_code == 403
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(JourneyEntry)) == 1


@pytest.mark.parametrize("role", [Role.SUPPORTER, Role.COORDINATOR, Role.SOCIAL_WORKER, Role.ADMIN])
def test_supporters_and_staff_cannot_close_a_young_persons_account(
    app, db_session, organisation, leaver, role
):
    someone = factories.account(db_session, role=role, organisation=organisation)
    db_session.commit()
    client = phone_of(app, someone)

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"understood": "y"}).status_code in (400, 403)
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.post(PAGE, data={"understood": "y"}).status_code == 403
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(JourneyEntry)) == 1
