"""Download everything, over HTTP: a fresh sign-in first, then a ZIP that is never cached."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.domain import photos
from app.models import AuditEvent, JourneyPhoto, Role, UserSession, utcnow
from tests import factories
from tests.conftest import sign_in
from tests.helpers import PageClient
from tests.unit.test_export import jpeg_bytes


@pytest.fixture
def young_person(app, db_session, organisation):
    account = factories.account(db_session, role=Role.YOUNG_PERSON, organisation=organisation)
    person = factories.young_person(db_session, organisation=organisation, account_id=account.id)
    stored = photos.clean_and_store(jpeg_bytes(), photos.photo_dir(app.config))
    factories.journey_entry(
        db_session,
        person,
        title="My first day at college",
        author_account_id=account.id,
        photos=[
            JourneyPhoto(
                storage_name=stored.storage_name,
                width=stored.width,
                height=stored.height,
                size_bytes=stored.size_bytes,
            )
        ],
    )
    db_session.commit()
    return person


@pytest.fixture
def phone(app, young_person) -> PageClient:
    client = PageClient(app.test_client())
    sign_in(client, young_person.account)
    return client


def make_stale(db_session, account) -> None:
    db_session.expire_all()  # end the read transaction the sign-in happened after
    db_session.execute(
        update(UserSession)
        .where(UserSession.account_id == account.id)
        .values(fresh_until=utcnow() - timedelta(minutes=1))
    )
    db_session.commit()


def test_the_page_says_what_is_in_the_download(phone):
    soup = phone.get_page("youth.download")
    assert soup.find("h1").get_text(strip=True) == "Download everything"
    words = soup.find("main").get_text(" ", strip=True)
    assert "without internet" in words and "(1 page)" in words and "(1 photo)" in words
    assert "your choices, the people you may see, your plan, the promises people confirmed" in words
    form = soup.find("form", attrs={"action": phone.url("youth.download_zip")})
    assert form is not None and form.get("method") == "post"


CONFIRM_FIRST = "/account/confirm?next=/me/book/download"


def test_a_stale_sign_in_is_asked_to_confirm_first(phone, db_session, young_person):
    make_stale(db_session, young_person.account)
    response = phone.get("/me/book/download")
    assert response.status_code == 303 and response.headers["Location"] == CONFIRM_FIRST


def test_the_page_left_open_too_long_asks_to_confirm_first(phone, db_session, young_person):
    soup = phone.get_page("youth.download")
    make_stale(db_session, young_person.account)
    response = phone.submit(soup, "form[action='/me/book/download']", {})
    assert response.status_code == 303 and response.headers["Location"] == CONFIRM_FIRST
    db_session.expire_all()
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "export.downloaded")) is None


def test_the_zip_downloads_and_is_never_cached(phone, db_session, young_person):
    soup = phone.get_page("youth.download")
    response = phone.submit(soup, "form[action='/me/book/download']", {})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r"attachment; filename=my-journey-book-\d{4}-\d{2}-\d{2}\.zip", disposition)
    zf = zipfile.ZipFile(io.BytesIO(response.data))
    names = zf.namelist()
    assert {"book.html", "data.json", "README.txt"} <= set(names)
    [photo_name] = [n for n in names if n.startswith("photos/")]
    assert f'src="{photo_name}"' in zf.read("book.html").decode()
    assert json.loads(zf.read("data.json"))["journey"]["entries"][0]["title"] == "My first day at college"

    db_session.expire_all()
    [row] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "export.downloaded")).all()
    assert row.young_person_id == young_person.id
    assert row.actor_account_id == young_person.account_id and row.actor_role == "young_person"


def test_the_download_is_in_their_language(app, db_session, young_person):
    young_person.account.language = "ar"
    db_session.commit()
    client = PageClient(app.test_client())
    sign_in(client, young_person.account)
    soup = client.get_page("youth.download")
    response = client.submit(soup, "form[action='/me/book/download']", {})
    book = zipfile.ZipFile(io.BytesIO(response.data)).read("book.html").decode()
    assert 'dir="rtl"' in book and 'lang="ar"' in book


def test_without_a_csrf_token_nothing_is_sent(phone):
    assert phone.post("/me/book/download", data={}).status_code == 400


@pytest.mark.parametrize("role", [Role.SUPPORTER, Role.COORDINATOR])
def test_supporters_and_staff_are_refused(app, db_session, organisation, young_person, role):
    app.config["WTF_CSRF_ENABLED"] = False  # only the blueprint's guard is checked here
    account = factories.account(db_session, role=role, organisation=organisation)
    db_session.commit()
    client = app.test_client()
    sign_in(client, account)
    assert client.get("/me/book/download").status_code == 403
    assert client.post("/me/book/download").status_code == 403
