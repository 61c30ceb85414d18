"""The journey book over HTTP: adding pages with photos, sharing them, memories from supporters,
two phones editing one page, and deleting.

Everyone has their own test client (their own phone): the young person, two supporters, the coordinator.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from sqlalchemy import select

from app.domain import photos
from app.models import (
    AuthorRole,
    ConsentEvent,
    ConsentKind,
    DatePrecision,
    Decision,
    EntryStatus,
    JourneyEntry,
    Role,
)
from tests import factories
from tests.helpers import PageClient, phone_of

GPS = 0x8825


def jpeg_with_location(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@dataclass
class Book:
    young_person: object
    me: PageClient
    nan: PageClient
    nan_member: object
    uncle: PageClient
    uncle_member: object
    coordinator: PageClient
    session: object


@pytest.fixture
def book(app, db_session, organisation) -> Book:
    coordinator = factories.account(db_session, role=Role.COORDINATOR, organisation=organisation)
    own = factories.account(db_session, role=Role.YOUNG_PERSON, organisation=organisation)
    young_person = factories.taking_part(db_session, organisation, own, coordinator)
    nan = factories.supporter_with_account(db_session, young_person, name="Nan")
    uncle = factories.supporter_with_account(db_session, young_person, name="Uncle Ray")
    db_session.commit()
    return Book(
        young_person=young_person,
        me=phone_of(app, own),
        nan=phone_of(app, nan.account),
        nan_member=nan,
        uncle=phone_of(app, uncle.account),
        uncle_member=uncle,
        coordinator=phone_of(app, coordinator),
        session=db_session,
    )


def add_page(client: PageClient, files=(), **fields):
    soup = client.get_page("youth.new_entry")
    data = {"kind": "memory", "title": "Met Gran", "body": "", "year": "", **fields}
    if files:
        data["photos"] = [(io.BytesIO(content), name) for name, content in files]
    form = soup.select_one("form[data-upload]")
    hidden = {i["name"]: i.get("value", "") for i in form.find_all("input", attrs={"type": "hidden"})}
    return client.post(form["action"], data={**hidden, **data}, content_type="multipart/form-data")


def only_entry(session, **where) -> JourneyEntry:
    session.expire_all()
    return session.scalars(select(JourneyEntry).filter_by(**where)).one()


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


# --- adding a page -------------------------------------------------------------------------------------


def test_a_page_with_a_photo_is_added_privately_and_its_photo_has_no_location(app, book):
    response = add_page(
        book.me,
        files=[("IMG_0001.JPG", jpeg_with_location())],
        title="Met Gran for the first time",
        body="We had **cake** and she cried.",
        kind="milestone",
        day="12",
        month="3",
        year="2015",
        people=[book.nan_member.public_id],
    )
    assert response.status_code == 303
    entry = only_entry(book.session)
    assert (entry.title, entry.kind.value, entry.happened_on) == (
        "Met Gran for the first time",
        "milestone",
        date(2015, 3, 12),
    )
    assert [m.name for m in entry.people] == ["Nan"] and len(entry.photos) == 1
    page = book.me.get(response.headers["Location"])
    assert b"<strong>cake</strong>" in page.data and b"12 March 2015" in page.data
    photo_url = soup_of(page).select_one(".entry-photos img")["src"]
    served = book.me.get(photo_url)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert (
        "no-store" in served.headers["Cache-Control"]
        and served.headers["X-Content-Type-Options"] == "nosniff"
    )
    assert not Image.open(io.BytesIO(served.data)).getexif() and b"Exif" not in served.data
    stored = photos.path_of(photos.photo_dir(app.config), entry.photos[0].storage_name)
    assert stored.read_bytes() == served.data and "IMG_0001" not in stored.name
    # Private by default: nobody else, not even the coordinator, finds the page or the photo.
    for other in (book.nan, book.uncle, book.coordinator):
        assert other.get(photo_url).status_code == 404
        assert other.get(f"/supporting/book/{entry.public_id}").status_code in (403, 404)
    assert not [e for e in book.session.scalars(select(JourneyEntry)) if e.status is not EntryStatus.IN_BOOK]


@pytest.mark.parametrize(
    ("fields", "happened_on", "precision"),
    [
        ({"year": "2015", "around": "y"}, date(2015, 1, 1), DatePrecision.AROUND_YEAR),
        (
            {"year": "2015", "month": "3", "day": "12", "around": "y"},
            date(2015, 1, 1),
            DatePrecision.AROUND_YEAR,
        ),
        ({"year": "2015"}, date(2015, 1, 1), DatePrecision.YEAR),
        ({"year": "2015", "month": "7"}, date(2015, 7, 1), DatePrecision.MONTH),
        ({}, None, DatePrecision.DAY),
    ],
)
def test_when_it_happened_is_only_as_exact_as_they_remember(book, fields, happened_on, precision):
    assert add_page(book.me, **fields).status_code == 303
    entry = only_entry(book.session)
    assert (entry.happened_on, entry.date_precision) == (happened_on, precision)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Please give it a short title"),
        ({"month": "3"}, "Please add the year too"),
        ({"year": "15"}, "Enter the year as 4 numbers, like 2015"),
        ({"year": "2015", "month": "2", "day": "30"}, "That month doesn't have that many days"),
        ({"year": str(date.today().year + 1)}, "Enter the year as 4 numbers, like 2015"),
        ({"year": "2015", "month": "13"}, "Enter the month as a number from 1 to 12"),
    ],
)
def test_a_mistake_gets_a_clear_error_and_keeps_the_words(book, fields, message):
    response = add_page(book.me, body="Words I don't want to lose", **fields)
    assert response.status_code == 400
    soup = soup_of(response)
    assert message in soup.select_one(".error-summary").get_text()
    typed = soup.find("textarea", attrs={"name": "body"}).get_text().lstrip("\r\n")
    assert typed == "Words I don't want to lose"
    assert not list(book.session.scalars(select(JourneyEntry)))


def test_a_photo_too_big_gets_413_kindly_and_the_words_are_kept(app, book):
    too_big = b"\xff\xd8" + b"0" * photos.MAX_UPLOAD_BYTES
    response = add_page(book.me, files=[("big.jpg", too_big)], title="Beach day", body="The sea was cold")
    assert response.status_code == 413
    soup = soup_of(response)
    assert "too big" in soup.select_one(".error-summary").get_text()
    assert soup.find("input", attrs={"name": "title"})["value"] == "Beach day"
    assert soup.find("textarea", attrs={"name": "body"}).get_text().lstrip("\r\n") == "The sea was cold"
    assert not list(photos.photo_dir(app.config).iterdir())


def test_a_web_page_renamed_jpg_is_refused_and_nothing_is_stored(app, book):
    good = ("a.jpg", jpeg_with_location())
    html = ("cute.jpg", b"<html><script>alert(1)</script></html>")
    response = add_page(book.me, files=[good, html], title="Two photos")
    assert response.status_code == 400
    assert "couldn't open that as a photo" in soup_of(response).select_one(".error-summary").get_text()
    assert not list(photos.photo_dir(app.config).iterdir())  # the good one was not kept either
    assert not list(book.session.scalars(select(JourneyEntry)))


def test_a_whole_request_over_the_limit_gets_the_kind_413_page(book):
    response = book.me.post(
        "/me/book/new",
        data=b"x" * (7 * photos.MAX_UPLOAD_BYTES),
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert "That file is too big" in response.get_data(as_text=True)


def test_text_is_simple_formatting_never_html(book):
    add_page(book.me, title="<b>Title</b>", body='<script>alert("x")</script>\n\n- _one_\n- **two**')
    entry = only_entry(book.session)
    page = book.me.get(f"/me/book/{entry.public_id}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "&lt;b&gt;Title" in page
    assert "<ul><li><em>one</em></li><li><strong>two</strong></li></ul>" in page


def test_a_double_tap_adds_one_page(book):
    soup = book.me.get_page("youth.new_entry")
    form = soup.select_one("form[data-upload]")
    hidden = {i["name"]: i.get("value", "") for i in form.find_all("input", attrs={"type": "hidden"})}
    data = {**hidden, "kind": "memory", "title": "Once", "year": ""}
    first = book.me.post(form["action"], data=data)
    second = book.me.post(form["action"], data=data)
    assert first.status_code == second.status_code == 303
    book.session.expire_all()
    assert len(list(book.session.scalars(select(JourneyEntry)))) == 1


# --- sharing --------------------------------------------------------------------------------------------


def share(book, entry, *audiences):
    soup = book.me.get_page("youth.entry", public_id=entry.public_id)
    form = soup.select_one("form[action$='/share']")
    hidden = {i["name"]: i.get("value", "") for i in form.find_all("input", attrs={"type": "hidden"})}
    return book.me.post(form["action"], data={**hidden, "audience": list(audiences)})


def test_sharing_with_one_supporter_shows_it_to_them_only_and_unsharing_hides_it_again(book):
    add_page(book.me, files=[("a.jpg", jpeg_with_location())], title="Our walk")
    entry = only_entry(book.session)
    entry_url, photo_url = f"/supporting/book/{entry.public_id}", f"/photos/{entry.photos[0].public_id}"
    nan_book = f"/supporting/{book.nan_member.public_id}/book"
    assert book.nan.get(entry_url).status_code == 404 and book.nan.get(photo_url).status_code == 404

    assert share(book, entry, f"member:{book.nan_member.public_id}").status_code == 303
    assert book.nan.get(entry_url).status_code == 200 and book.nan.get(photo_url).status_code == 200
    assert "Our walk" in book.nan.get(nan_book).get_data(as_text=True)
    assert book.uncle.get(entry_url).status_code == 404 and book.uncle.get(photo_url).status_code == 404
    assert book.coordinator.get(photo_url).status_code == 404

    assert share(book, entry).status_code == 303  # untick everyone
    assert book.nan.get(entry_url).status_code == 404 and book.nan.get(photo_url).status_code == 404
    assert "Our walk" not in book.nan.get(nan_book).get_data(as_text=True)
    book.session.expire_all()
    events = [
        (e.scope.rsplit(":", 1)[-1], e.decision)
        for e in book.session.scalars(select(ConsentEvent).filter_by(kind=ConsentKind.SHARING))
    ]
    assert events == [
        (book.nan_member.public_id, Decision.GIVEN),
        (book.nan_member.public_id, Decision.WITHDRAWN),
    ]


def test_sharing_with_the_coordinator_shows_it_on_their_page(book):
    add_page(book.me, title="My first day at college")
    entry = only_entry(book.session)
    staff_book = f"/staff/young-people/{book.young_person.public_id}/book"
    assert "My first day at college" not in book.coordinator.get(staff_book).get_data(as_text=True)
    share(book, entry, "coordinator")
    assert "My first day at college" in book.coordinator.get(staff_book).get_data(as_text=True)


def test_pausing_hides_everything_shared_and_a_supporter_who_stopped_sees_nothing(book):
    add_page(book.me, title="Shared page")
    entry = only_entry(book.session)
    share(book, entry, f"member:{book.nan_member.public_id}", "coordinator")
    assert book.nan.get(f"/supporting/book/{entry.public_id}").status_code == 200
    book.session.expire_all()
    factories.consent_event(
        book.session, book.young_person, kind=ConsentKind.YOUNG_PERSON_AGREEMENT, decision=Decision.WITHDRAWN
    )
    book.session.commit()
    assert book.nan.get(f"/supporting/book/{entry.public_id}").status_code == 404
    assert book.nan.get(f"/supporting/{book.nan_member.public_id}/book").status_code == 404
    assert "Shared page" not in book.coordinator.get(
        f"/staff/young-people/{book.young_person.public_id}/book"
    ).get_data(as_text=True)
    assert "paused" in book.me.get(f"/me/book/{entry.public_id}").get_data(as_text=True)


# --- memories from supporters ---------------------------------------------------------------------------


def send_memory(client: PageClient, member, files=(), **fields):
    soup = client.get_page("supporters.new_memory", member_id=member.public_id)
    form = soup.select_one("form[data-upload]")
    hidden = {i["name"]: i.get("value", "") for i in form.find_all("input", attrs={"type": "hidden"})}
    data = {
        **hidden,
        "kind": "memory",
        "title": "Your first walk",
        "body": "I remember taking you for a walk",
        "year": "2009",
    }
    data.update(fields)
    if files:
        data["photos"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(form["action"], data=data, content_type="multipart/form-data")


def answer(book, entry, choice, note=""):
    soup = book.me.get_page("youth.waiting")
    form = soup.select_one(f"#memory-{entry.public_id} form:has(button[value='{choice}'])")
    hidden = {i["name"]: i.get("value", "") for i in form.find_all("input", attrs={"type": "hidden"})}
    return book.me.post(form["action"], data={**hidden, "choice": choice, "note": note})


def test_a_memory_from_nan_waits_for_the_young_person_who_adds_it(book):
    assert (
        send_memory(book.nan, book.nan_member, files=[("pram.jpg", jpeg_with_location())]).status_code == 303
    )
    entry = only_entry(book.session)
    assert (entry.status, entry.author_role) == (EntryStatus.AWAITING_YOUNG_PERSON, AuthorRole.SUPPORTER)
    assert "Your first walk" not in book.me.get("/me/book").get_data(as_text=True)
    assert "1 memory from your people is waiting" in book.me.get("/me/book").get_data(as_text=True)
    waiting = book.me.get("/me/book/waiting").get_data(as_text=True)
    assert "I remember taking you for a walk" in waiting and "From Nan" in waiting
    assert "Waiting for Jay" in book.nan.get(f"/supporting/{book.nan_member.public_id}/book").get_data(
        as_text=True
    )
    # Uncle Ray never sees Nan's memory.
    assert book.uncle.get(f"/supporting/book/{entry.public_id}").status_code == 404

    assert answer(book, entry, "accept").status_code == 303
    assert only_entry(book.session).status is EntryStatus.IN_BOOK
    assert "Your first walk" in book.me.get("/me/book").get_data(as_text=True)
    assert "Added to Jay's book" in book.nan.get(f"/supporting/{book.nan_member.public_id}/book").get_data(
        as_text=True
    )


def test_asking_for_a_change_sends_the_words_back_and_the_change_comes_back(book):
    send_memory(book.nan, book.nan_member)
    entry = only_entry(book.session)
    assert answer(book, entry, "change").status_code == 303  # no words: asked again, nothing changes
    assert only_entry(book.session).status is EntryStatus.AWAITING_YOUNG_PERSON
    answer(book, entry, "change", note="It was my brother, not me!")
    assert only_entry(book.session).status is EntryStatus.CHANGE_ASKED
    nan_book = book.nan.get(f"/supporting/{book.nan_member.public_id}/book").get_data(as_text=True)
    assert "Jay would like a small change" in nan_book
    soup = book.nan.get_page("supporters.edit_memory", public_id=entry.public_id)
    assert "It was my brother, not me!" in soup.get_text()
    form = soup.select_one("form[data-upload]")
    hidden = {i["name"]: i.get("value", "") for i in form.find_all("input", attrs={"type": "hidden"})}
    response = book.nan.post(
        form["action"],
        data={**hidden, "kind": "memory", "title": "Your brother's first walk", "year": "2009"},
    )
    assert response.status_code == 303
    changed = only_entry(book.session)
    assert (changed.status, changed.title) == (EntryStatus.AWAITING_YOUNG_PERSON, "Your brother's first walk")


def test_declining_only_thanks_the_supporter_and_the_memory_leaves_the_young_persons_view(book):
    send_memory(book.nan, book.nan_member)
    entry = only_entry(book.session)
    answer(book, entry, "decline")
    nan_book = book.nan.get(f"/supporting/{book.nan_member.public_id}/book").get_data(as_text=True)
    assert "Thank you for sharing this with Jay." in nan_book and "declin" not in nan_book.lower()
    assert book.me.get(f"/me/book/{entry.public_id}").status_code == 404
    assert "Your first walk" not in book.me.get("/me/book/waiting").get_data(as_text=True)
    assert book.nan.get(f"/supporting/edit/{entry.public_id}").status_code == 404


def test_a_supporter_the_young_person_has_not_agreed_to_cannot_send_a_memory(app, book, organisation):
    book.session.expire_all()
    stranger = factories.account(book.session, role=Role.SUPPORTER)
    member = factories.network_member(book.session, book.young_person, account_id=stranger.id)
    book.session.commit()
    client = phone_of(app, stranger)
    assert client.get(f"/supporting/{member.public_id}/book/new").status_code == 404
    assert client.get(f"/supporting/{book.nan_member.public_id}/book").status_code == 404


# --- two phones, one page -------------------------------------------------------------------------------


def edit_form(client, entry):
    soup = client.get_page("youth.edit_entry", public_id=entry.public_id)
    form = soup.select_one("form[data-upload]")
    return form["action"], {
        i["name"]: i.get("value", "") for i in form.find_all("input", attrs={"type": "hidden"})
    }


def test_a_second_phone_saving_an_old_copy_gets_both_texts_and_nothing_is_lost(app, book):
    add_page(book.me, title="Gran's house", body="First words")
    entry = only_entry(book.session)
    tablet = phone_of(app, book.young_person.account)
    action, phone_fields = edit_form(book.me, entry)
    _action, tablet_fields = edit_form(tablet, entry)
    saved = book.me.post(
        action,
        data={**phone_fields, "kind": "memory", "title": "Gran's house", "body": "From my phone", "year": ""},
    )
    assert saved.status_code == 303
    clash = tablet.post(
        action,
        data={
            **tablet_fields,
            "kind": "memory",
            "title": "Gran's house",
            "body": "From my tablet",
            "year": "",
        },
    )
    assert clash.status_code == 409
    page = soup_of(clash)
    assert "From my phone" in page.select_one("#saved-title").find_parent("section").get_text()
    assert page.find("textarea", attrs={"name": "body"}).get_text().lstrip("\r\n") == "From my tablet"
    assert only_entry(book.session).body == "From my phone"
    # Keeping theirs from the conflict screen saves it on top of the newer version.
    form = page.select_one("form[action$='/edit']")
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input", attrs={"type": "hidden"})}
    assert (
        tablet.post(
            form["action"], data={**fields, "title": "Gran's house", "body": "From my tablet"}
        ).status_code
        == 303
    )
    assert only_entry(book.session).body == "From my tablet"


def test_the_same_edit_sent_twice_is_not_a_conflict(book):
    add_page(book.me, title="Gran's house", body="First words")
    entry = only_entry(book.session)
    action, fields = edit_form(book.me, entry)
    data = {**fields, "kind": "memory", "title": "Gran's house", "body": "Changed once", "year": ""}
    data.pop("idempotency_key", None)  # no offline key: a plain double tap on an old phone
    assert book.me.post(action, data=data).status_code == 303
    assert book.me.post(action, data=data).status_code == 303
    assert only_entry(book.session).body == "Changed once"


# --- deleting -------------------------------------------------------------------------------------------


def test_a_deleted_page_leaves_the_book_at_once_and_can_come_back_for_30_days(book):
    add_page(book.me, title="Oops")
    entry = only_entry(book.session)
    share(book, entry, f"member:{book.nan_member.public_id}")
    soup = book.me.get_page("youth.entry", public_id=entry.public_id)
    book.me.submit(soup, "form[action$='/delete']", {})
    assert "Oops" not in book.me.get("/me/book").get_data(as_text=True)
    assert book.me.get(f"/me/book/{entry.public_id}").status_code == 404
    assert book.nan.get(f"/supporting/book/{entry.public_id}").status_code == 404
    deleted = book.me.get_page("youth.deleted_entries")
    gone_on = (only_entry(book.session).deleted_at + timedelta(days=30)).date()
    assert "Oops" in deleted.get_text() and str(gone_on.year) in deleted.get_text()
    book.me.submit(deleted, "form[action$='/restore']", {})
    assert "Oops" in book.me.get("/me/book").get_data(as_text=True)
    assert only_entry(book.session).deleted_at is None


def test_the_timeline_orders_by_when_added_or_by_when_it_happened(book):
    for title, year in [("Newer memory", "2018"), ("Older memory", "2010"), ("Undated", "")]:
        add_page(book.me, title=title, year=year)

    def titles(**args):
        return [
            t.get_text(strip=True)
            for t in book.me.get_page("youth.book", **args).select(".entry-card__title")
        ]

    assert titles() == ["Undated", "Older memory", "Newer memory"]
    # Undated pages sit where they were written (today), so they come first by date too.
    assert titles(order="memory") == ["Undated", "Newer memory", "Older memory"]
