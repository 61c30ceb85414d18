"""The journey book on a phone, end to end (issue 8).

Jay adds a page with a phone photo (where it was taken is in its EXIF; nothing of it is in the photo we
serve) and shares it with Nan. Nan, on her own phone, sees it and sends a memory back with a photo; Jay
adds it to the book and Nan is told. A slow connection shows how much has been sent; no signal, or a
photo that is too big, never loses what was typed. The book opens right to left in Arabic, and in Welsh.
Every page visited passes axe, with no breach of the Content Security Policy and no JavaScript error.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from sqlalchemy import select

from app.domain import journey, photos
from app.models import AuthorRole, DatePrecision, EntryKind, EntryStatus, JourneyEntry
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE_CONTEXT, session_cookie
from tests.browser.test_people_and_plan_journeys import signed_in_phone

GPS_IFD = 0x8825
TITLE = "Sports day at my new school"
BODY = "I came **second** in the sack race.\n\nNan was cheering the loudest."
MEMORY_TITLE = "Our walk by the river"
MEMORY = "I remember taking you for a walk by the river. You fed the ducks all of your sandwich."


@dataclass
class Family:
    jay: object
    jay_account: object
    nan: object
    ray: object


@pytest.fixture
def family(app, live_server, db_session, organisation, coordinator, young_person_account) -> Family:
    """Jay, taking part, with a coordinator; Nan and Uncle Ray have accounts and said yes to taking part."""
    app.config["BASE_URL"] = live_server.url
    jay = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Jay",
        account_id=young_person_account.id,
        coordinator_id=coordinator.id,
    )
    factories.consent_to_contact(db_session, jay)
    nan = factories.supporter_with_account(db_session, jay, name="Nan", relationship_label="nan")
    ray = factories.supporter_with_account(db_session, jay, name="Uncle Ray", relationship_label="uncle")
    db_session.commit()
    return Family(jay=jay, jay_account=young_person_account, nan=nan, ray=ray)


def _sign_in(page, app, db_session, base: str, account, language: str | None = None) -> None:
    cookies = [{"name": "session", "value": session_cookie(app, db_session, account), "url": base}]
    if language:
        cookies.append({"name": "lang", "value": language, "url": base})
    page.context.add_cookies(cookies)


def phone_photo(path: Path, size=(1200, 900), noisy: bool = False) -> Path:
    """A JPEG as a phone writes it: the maker, the model and where it was taken, in its EXIF."""
    if noisy:  # random pixels barely compress: a photo of a few hundred KB for the slow upload
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (40, 120, 200))
        draw = ImageDraw.Draw(image)
        draw.rectangle((size[0] // 5, size[1] // 5, size[0] * 4 // 5, size[1] * 4 // 5), fill="orange")
        draw.ellipse((size[0] // 3, size[1] // 3, size[0] * 2 // 3, size[1] * 2 // 3), fill="white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Pocket 12"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)})
    image.save(path, "JPEG", quality=92, exif=exif.tobytes())
    with Image.open(path) as saved:  # the test photo really does say where it was taken
        assert saved.getexif().get_ifd(GPS_IFD)
    return path


def _entries(db_session, **where) -> list[JourneyEntry]:
    db_session.expire_all()
    return list(db_session.scalars(select(JourneyEntry).filter_by(**where)))


def _entry_url(base: str):
    return re.compile(re.escape(base) + r"/me/book/(?!new$|waiting$|deleted$)[^/?#]+$")


def _photos_show(page, selector: str, count: int = 1) -> None:
    """Every photo matched has loaded (the photos load lazily, so bring each into view first)."""
    images = page.locator(selector)
    expect(images).to_have_count(count)
    for index in range(count):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_function(
        "(selector) => [...document.querySelectorAll(selector)]"
        ".every((image) => image.complete && image.naturalWidth > 0)",
        arg=selector,
    )


def _served_without_metadata(page, image) -> None:
    """The bytes a browser is given for a photo: a JPEG with no EXIF at all, never cached."""
    response = page.request.get(urljoin(page.url, image.get_attribute("src")))
    assert response.ok, response.status
    assert response.headers["cache-control"] == "private, no-store"
    body = response.body()
    with Image.open(io.BytesIO(body)) as served:
        assert served.format == "JPEG"
        assert len(served.getexif()) == 0
        assert "exif" not in served.info
    assert b"Exif" not in body and b"PhoneMaker" not in body


def _fill_page(form, title: str, body: str, year: str | None = None, photo: Path | None = None) -> None:
    form.get_by_label("Give it a short title").fill(title)
    form.get_by_label("Write about it (if you like)").fill(body)
    if year:
        form.get_by_label("Year", exact=True).fill(year)
    if photo:
        form.get_by_label("Photos", exact=True).set_input_files(photo)


def _jay_adds_a_page_and_shares_it_with_nan(page, base: str, tmp_path: Path) -> str:
    page.goto(f"{base}/me/book")
    expect(page.get_by_role("heading", level=1)).to_have_text("My journey book")
    expect(page.locator("main .empty-state")).to_be_visible()
    assert_accessible(page, "on an empty book")
    page.get_by_role("link", name="Add to my book").click()
    page.wait_for_url(f"{base}/me/book/new")
    assert_accessible(page, "on Add to my book")

    form = page.locator("form[data-upload]")
    form.get_by_label("A photo", exact=True).check()
    _fill_page(form, TITLE, BODY, "2016", phone_photo(tmp_path / "IMG_0042.JPG"))
    form.get_by_label("I'm not sure of the year: it was around then").check()
    form.locator("#people").get_by_label("Nan", exact=True).check()
    form.get_by_role("button", name="Add to my book").click()
    page.wait_for_url(_entry_url(base))

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("article.entry .entry-meta")).to_have_text("Photo · Around 2016")
    expect(page.locator("article.entry .entry-text strong")).to_have_text("second")
    expect(page.locator("article.entry .entry-text")).to_contain_text("Nan was cheering the loudest.")
    expect(page.locator("article.entry .entry-people")).to_have_text("With Nan")
    _photos_show(page, "article.entry img")
    _served_without_metadata(page, page.locator("article.entry img"))
    assert_accessible(page, "on the new page with its photo")

    sharing = page.locator("section[aria-labelledby=share-title]")
    expect(sharing.locator("input[name=audience]:checked")).to_have_count(0)
    sharing.get_by_label("Nan", exact=True).check()
    sharing.get_by_role("button", name="Save who can see it").click()
    expect(page.locator("#flash-messages")).to_contain_text("Saved. Nan can see this now.")
    expect(sharing.get_by_label("Nan", exact=True)).to_be_checked()
    expect(sharing.get_by_label("Uncle Ray", exact=True)).not_to_be_checked()
    expect(sharing.get_by_label(re.compile("^Your coordinator"))).not_to_be_checked()
    assert_accessible(page, "on the page shared with Nan")
    return page.locator("article.entry img").get_attribute("src")


def _only_who_it_is_shared_with_gets_the_photo(browser, app, db_session, base: str, ray, src: str) -> None:
    context = browser.new_context(**PHONE_CONTEXT)
    try:
        context.add_cookies(
            [{"name": "session", "value": session_cookie(app, db_session, ray.account), "url": base}]
        )
        assert context.request.get(urljoin(base, src)).status == 404
    finally:
        context.close()


def _nan_sees_it_and_sends_a_memory(nans_phone, base: str, nan, tmp_path: Path) -> None:
    nans_phone.goto(f"{base}/supporting/")
    assert_accessible(nans_phone, "on Nan's home")
    nans_phone.get_by_role("link", name="Jay's journey book: send a memory").click()
    nans_phone.wait_for_url(f"{base}/supporting/{nan.public_id}/book")
    expect(nans_phone.get_by_role("heading", level=1)).to_have_text("Jay's journey book")
    shared = nans_phone.locator("main ul.timeline > li")
    expect(shared).to_have_count(1)
    expect(shared).to_contain_text(TITLE)
    _photos_show(nans_phone, "main ul.timeline img")
    assert_accessible(nans_phone, "on Jay's book, as Nan")

    shared.get_by_role("link", name=TITLE).click()
    nans_phone.wait_for_url(re.compile(re.escape(base) + r"/supporting/book/[^/]+$"))
    expect(nans_phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    _photos_show(nans_phone, "article.entry img")
    _served_without_metadata(nans_phone, nans_phone.locator("article.entry img"))
    assert_accessible(nans_phone, "on Jay's shared page, as Nan")

    nans_phone.get_by_role("link", name="Back to Jay's book").click()
    nans_phone.get_by_role("link", name="Send Jay a memory or a photo").click()
    nans_phone.wait_for_url(f"{base}/supporting/{nan.public_id}/book/new")
    form = nans_phone.locator("form[data-upload]")
    expect(form.locator("#people")).to_have_count(0)
    assert_accessible(nans_phone, "on Send Jay a memory")
    _fill_page(form, MEMORY_TITLE, MEMORY, "2014", phone_photo(tmp_path / "IMG_1970.JPG", (900, 1200)))
    form.get_by_role("button", name="Send it").click()
    nans_phone.wait_for_url(f"{base}/supporting/{nan.public_id}/book")
    sent = nans_phone.locator("main ul.list > li").filter(has_text=MEMORY_TITLE)
    expect(sent).to_contain_text("Waiting for Jay to look at it.")
    assert_accessible(nans_phone, "on Jay's book, a memory sent")


def _jay_adds_nans_memory(page, base: str) -> None:
    page.goto(f"{base}/me/book")
    waiting = page.get_by_role("link", name="1 memory from your people is waiting for you")
    expect(waiting).to_be_visible()
    assert_accessible(page, "on the book with a memory waiting")
    waiting.click()
    page.wait_for_url(f"{base}/me/book/waiting")
    memory = page.locator("main article.card").filter(has_text=MEMORY_TITLE)
    expect(memory).to_have_count(1)
    expect(memory).to_contain_text("From Nan")
    expect(memory.locator(".entry-text")).to_contain_text("You fed the ducks")
    _photos_show(page, "main article.card img")
    assert_accessible(page, "on Memories from your people")
    memory.get_by_role("button", name="Add it to my book").click()
    page.wait_for_url(_entry_url(base))
    expect(page.get_by_role("heading", level=1)).to_have_text(MEMORY_TITLE)
    expect(page.locator("#flash-messages")).to_contain_text("Added to your book.")
    expect(page.locator("main article.entry")).to_contain_text("From Nan")
    _photos_show(page, "article.entry img")
    assert_accessible(page, "on Nan's memory, now in the book")

    page.goto(f"{base}/me/book")
    expect(page.locator("main ul.timeline .entry-card__title")).to_have_count(2)
    expect(page.get_by_role("link", name=re.compile("waiting for you"))).to_have_count(0)
    assert_accessible(page, "on the book with two pages")


def test_jay_adds_a_photo_page_shares_it_and_takes_nans_memory_into_the_book(
    page, browser, app, db_session, live_server, family, tmp_path
):
    base = live_server.url
    _sign_in(page, app, db_session, base, family.jay_account)
    src = _jay_adds_a_page_and_shares_it_with_nan(page, base, tmp_path)
    [own] = _entries(db_session, title=TITLE)
    assert (own.status, own.date_precision, own.happened_on) == (
        EntryStatus.IN_BOOK,
        DatePrecision.AROUND_YEAR,
        date(2016, 1, 1),
    )
    assert [member.name for member in own.people] == ["Nan"] and len(own.photos) == 1
    _only_who_it_is_shared_with_gets_the_photo(browser, app, db_session, base, family.ray, src)

    with signed_in_phone(browser, app, db_session, base, family.nan.account) as nans_phone:
        _nan_sees_it_and_sends_a_memory(nans_phone, base, family.nan, tmp_path)
        [memory] = _entries(db_session, title=MEMORY_TITLE)
        assert memory.status is EntryStatus.AWAITING_YOUNG_PERSON and len(memory.photos) == 1

        _jay_adds_nans_memory(page, base)
        nans_phone.reload()
        sent = nans_phone.locator("main ul.list > li").filter(has_text=MEMORY_TITLE)
        expect(sent).to_contain_text("Added to Jay's book. Thank you!")
        assert_accessible(nans_phone, "on Jay's book, the memory added")
    [memory] = _entries(db_session, title=MEMORY_TITLE)
    assert memory.status is EntryStatus.IN_BOOK


# --- sending photos on a poor connection ------------------------------------------------------------

# The progress bar shows part of the photo sent: read in one go, while it is so.
PART_SENT = """() => {
    const bar = document.querySelector("form[data-upload] .upload-status progress");
    if (!bar || bar.hidden || bar.closest("[hidden]") || !(bar.value > 0 && bar.value < 100)) return null;
    const button = document.querySelector("form[data-upload] button[type=submit], form[data-upload] button");
    return {
        value: bar.value,
        text: document.querySelector(".upload-status__text").textContent,
        disabled: button.disabled,
    };
}"""


def _new_page_form(page, base: str):
    page.goto(f"{base}/me/book/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add to my book")
    assert_accessible(page, "on Add to my book")
    form = page.locator("form[data-upload]")
    # What upload.js says goes in a live region that is already there (not hidden), so it is read out.
    expect(form.get_by_role("status")).to_be_attached()
    expect(form.get_by_role("status")).to_have_text("")
    expect(form.locator(".upload-status progress")).to_be_hidden()
    return form


def test_a_slow_upload_shows_how_much_has_been_sent(page, app, db_session, live_server, family, tmp_path):
    base = live_server.url
    _sign_in(page, app, db_session, base, family.jay_account)
    photo = phone_photo(tmp_path / "IMG_0300.JPG", (600, 500), noisy=True)
    assert 250_000 < photo.stat().st_size < 400_000, photo.stat().st_size
    form = _new_page_form(page, base)
    _fill_page(form, "The bus to the seaside", "A long way, but worth it.", photo=photo)

    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": 256 * 1024, "uploadThroughput": 50 * 1024},
    )
    form.get_by_role("button", name="Add to my book").click()
    sending = page.wait_for_function(PART_SENT, timeout=20_000).json_value()
    assert 0 < sending["value"] < 100
    assert re.fullmatch(r"Sending… \d{1,2}%", sending["text"]), sending["text"]
    assert sending["disabled"], "the button can't send the page twice while it is being sent"
    expect(page.locator(".upload-status progress")).to_be_visible()
    page.wait_for_url(_entry_url(base), timeout=60_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("The bus to the seaside")
    _photos_show(page, "article.entry img")
    assert_accessible(page, "on the page sent slowly")
    assert len(_entries(db_session, title="The bus to the seaside")) == 1


def test_no_signal_keeps_the_words_and_sending_again_saves_the_page_once(
    page, app, db_session, live_server, family, tmp_path
):
    base = live_server.url
    _sign_in(page, app, db_session, base, family.jay_account)
    form = _new_page_form(page, base)
    _fill_page(form, "Meeting my sister", BODY, "2019", phone_photo(tmp_path / "IMG_0007.JPG"))

    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    form.get_by_role("button", name="Add to my book").click()
    failed = page.get_by_role("status").filter(has_text="That didn't send. Your words are still here")
    expect(failed).to_be_visible()
    expect(page.locator(".upload-status progress")).to_be_hidden()
    expect(page).to_have_url(f"{base}/me/book/new")
    expect(form.get_by_label("Give it a short title")).to_have_value("Meeting my sister")
    expect(form.get_by_label("Write about it (if you like)")).to_have_value(BODY)
    expect(form.get_by_label("Year", exact=True)).to_have_value("2019")
    expect(form.get_by_role("button", name="Add to my book")).to_be_enabled()
    assert_accessible(page, "after a page didn't send")
    assert _entries(db_session) == []

    page.context.set_offline(False)
    page.wait_for_function("() => navigator.onLine")
    form.get_by_role("button", name="Add to my book").click()
    page.wait_for_url(_entry_url(base))
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting my sister")
    _photos_show(page, "article.entry img")
    assert_accessible(page, "on the page sent once the signal was back")
    [saved] = _entries(db_session)
    assert saved.title == "Meeting my sister" and len(saved.photos) == 1


def test_a_photo_too_big_is_refused_before_anything_is_sent(
    page, app, db_session, live_server, family, tmp_path
):
    base = live_server.url
    _sign_in(page, app, db_session, base, family.jay_account)
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(os.urandom(photos.MAX_UPLOAD_BYTES + 1))  # upload.js looks at the size only
    form = _new_page_form(page, base)
    _fill_page(form, "My new trainers", "Bright green ones.", "2023", huge)

    posted = []
    page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
    form.get_by_role("button", name="Add to my book").click()
    too_big = page.get_by_role("status").filter(
        has_text="That photo is too big. Please choose one under 12 MB."
    )
    expect(too_big).to_be_visible()
    expect(page.locator(".upload-status progress")).to_be_hidden()
    expect(form.get_by_label("Photos", exact=True)).to_be_focused()
    expect(form.get_by_label("Give it a short title")).to_have_value("My new trainers")
    expect(form.get_by_label("Write about it (if you like)")).to_have_value("Bright green ones.")
    expect(page).to_have_url(f"{base}/me/book/new")
    assert_accessible(page, "with a photo that is too big")
    assert posted == []
    assert _entries(db_session) == []


def test_after_sending_a_photo_jay_is_told_only_they_can_see_it(
    page, app, db_session, live_server, family, tmp_path
):
    base = live_server.url
    _sign_in(page, app, db_session, base, family.jay_account)
    form = _new_page_form(page, base)
    _fill_page(form, "My first phone", "", photo=phone_photo(tmp_path / "IMG_0001.JPG"))
    form.get_by_role("button", name="Add to my book").click()
    page.wait_for_url(_entry_url(base))
    expect(page.get_by_role("heading", level=1)).to_have_text("My first phone")
    expect(page.locator("#flash-messages")).to_contain_text(
        "Added to your book. Only you can see it until you choose to share it.", timeout=1_000
    )


def test_a_form_left_open_too_long_keeps_the_words_and_sends_on_the_second_try(
    page, app, db_session, live_server, family, tmp_path
):
    base = live_server.url
    _sign_in(page, app, db_session, base, family.jay_account)
    form = _new_page_form(page, base)
    _fill_page(form, "A long story", BODY, photo=phone_photo(tmp_path / "IMG_0002.JPG"))
    # Writing took more than an hour, so the form's CSRF token has expired (WTF_CSRF_TIME_LIMIT): as if so.
    form.locator("input[name=csrf_token]").evaluate("(input) => { input.value = 'expired'; }")
    form.get_by_role("button", name="Add to my book").click()
    failed = page.get_by_role("status").filter(has_text="That didn't send. Your words are still here")
    expect(failed).to_be_visible(timeout=3_000)
    expect(form.get_by_label("Write about it (if you like)")).to_have_value(BODY)
    form.get_by_role("button", name="Add to my book").click()
    page.wait_for_url(_entry_url(base))
    assert len(_entries(db_session, title="A long story")) == 1


# --- in other languages -----------------------------------------------------------------------------


def _a_book_to_read(app, db_session, family) -> JourneyEntry:
    """One page of Jay's with a photo, and a memory from Nan waiting for Jay."""
    image = Image.new("RGB", (800, 600), "teal")
    out = io.BytesIO()
    image.save(out, "JPEG")
    stored = photos.clean_and_store(out.getvalue(), photos.photo_dir(app.config))
    entry = journey.add(
        db_session,
        family.jay,
        journey.Draft(kind=EntryKind.PHOTO, title=TITLE, body=BODY, happened_on=date(2016, 7, 1)),
        actor=family.jay_account,
        role=AuthorRole.YOUNG_PERSON,
        stored=[stored],
    )
    journey.add(
        db_session,
        family.jay,
        journey.Draft(kind=EntryKind.MEMORY, title=MEMORY_TITLE, body=MEMORY),
        actor=family.nan.account,
        role=AuthorRole.SUPPORTER,
    )
    db_session.commit()
    return entry


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("cy", "ltr")])
def test_the_book_opens_in_arabic_and_welsh(page, app, db_session, live_server, family, language, direction):
    base = live_server.url
    entry = _a_book_to_read(app, db_session, family)
    _sign_in(page, app, db_session, base, family.jay_account, language)
    pages = {
        "/me/book": "main ul.timeline img",
        "/me/book/new": None,
        f"/me/book/{entry.public_id}": "article.entry img",
        "/me/book/waiting": None,
    }
    for path, pictures in pages.items():
        response = page.goto(base + path)
        assert response.ok, f"{path} answered {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_attribute("dir", direction)
        if pictures:
            _photos_show(page, pictures)
        assert_accessible(page, f"on {path} ({language})")
