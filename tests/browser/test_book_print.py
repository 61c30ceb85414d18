"""Print and keep, in real Chromium: Jay's journey book as a PDF, in English and in Arabic.

Jay's book has real photos (cleaned and stored as uploads are). On the phone the print page passes
axe; printed, it makes a cover page and then the entries, on A5 or A4 as chosen, with every photo
inside the page and embedded in the PDF. In Arabic the book reads right to left.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from pypdf import PdfReader

from app.domain import journey, photos
from app.models import AuthorRole, DatePrecision, EntryKind
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE_CONTEXT, session_cookie

A5 = (419.53, 595.28)  # points
A4 = (595.28, 841.89)
MM = 96 / 25.4  # CSS pixels in a millimetre
# The A5 page less its margins (print-book.css): 148 × 210 mm, 14 mm and 15 mm margins.
A5_CONTENT = (round((148 - 2 * 14) * MM), round((210 - 2 * 15) * MM))


def jpeg(width: int, height: int, colour: str) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill="white")
    draw.ellipse((width // 3, height // 3, width * 2 // 3, height * 2 // 3), fill="black")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


@pytest.fixture
def jay(app, live_server, db_session, organisation, coordinator, young_person_account):
    app.config["BASE_URL"] = live_server.url
    person = factories.taking_part(db_session, organisation, young_person_account, coordinator)
    directory = photos.photo_dir(app.config)

    def add(title, kind, when=None, precision=DatePrecision.DAY, body="", pictures=()):
        stored = [photos.clean_and_store(jpeg(*picture), directory) for picture in pictures]
        draft = journey.Draft(kind=kind, title=title, body=body, happened_on=when, precision=precision)
        return journey.add(
            db_session, person, draft, actor=young_person_account, role=AuthorRole.YOUNG_PERSON, stored=stored
        )

    add(
        "My first bike",
        EntryKind.MEMORY,
        date(2015, 3, 12),
        body="It was red and **very fast**.\n\nI fell off twice and got back on.",
    )
    beach = add(
        "At the beach",
        EntryKind.PHOTO,
        date(2016, 8, 1),
        DatePrecision.MONTH,
        pictures=[(1600, 1200, "teal")],
    )
    beach.photos[0].alt_text = "Me and Nan on the sand"
    add(
        "Sports day",
        EntryKind.PHOTO,
        date(2017, 1, 1),
        DatePrecision.YEAR,
        pictures=[(1200, 1600, "navy"), (2048, 1365, "orange")],
    )
    # A very tall photo still fits on one page.
    add(
        "The tall tree",
        EntryKind.PHOTO,
        date(2018, 1, 1),
        DatePrecision.AROUND_YEAR,
        pictures=[(600, 2000, "green")],
    )
    db_session.commit()
    return person


PHOTO_COUNT = 4


def _sign_in(page, app, db_session, live_server, account) -> None:
    page.context.add_cookies(
        [{"name": "session", "value": session_cookie(app, db_session, account), "url": live_server.url}]
    )


def _photos_loaded(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('.book-photos img')]"
        ".every((image) => image.complete && image.naturalWidth > 0)"
    )


def _pdf(page, **options) -> PdfReader:
    return PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, **options)))


def _size(reader: PdfReader) -> set[tuple[float, float]]:
    return {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages}


def _close(found: set[tuple[float, float]], expected: tuple[float, float]) -> bool:
    return all(abs(w - expected[0]) < 1 and abs(h - expected[1]) < 1 for w, h in found)


def _images(reader: PdfReader) -> int:
    count = 0
    for pdf_page in reader.pages:
        resources = pdf_page.get("/Resources") or {}
        objects = resources.get("/XObject") or {}
        count += sum(1 for ref in objects.values() if ref.get_object().get("/Subtype") == "/Image")
    return count


def _words(reader: PdfReader) -> str:
    return unicodedata.normalize("NFKC", "\n".join(p.extract_text() or "" for p in reader.pages))


def _photos_fit_the_page(page) -> None:
    """Under print media, at the width of an A5 page's content box: no photo is wider or taller."""
    page.set_viewport_size({"width": A5_CONTENT[0], "height": A5_CONTENT[1]})
    page.emulate_media(media="print")
    expect(page.locator(".print-intro")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    boxes = page.evaluate(
        """() => {
          const book = document.querySelector('article.book').getBoundingClientRect();
          return {
            book: {left: book.left, right: book.right},
            photos: [...document.querySelectorAll('.book-photos img')].map(i => {
              const r = i.getBoundingClientRect();
              return {left: r.left, right: r.right, width: r.width, height: r.height};
            }),
          };
        }"""
    )
    assert len(boxes["photos"]) == PHOTO_COUNT
    for box in boxes["photos"]:
        assert box["width"] > 0
        assert box["width"] <= A5_CONTENT[0] + 0.5
        assert box["left"] >= boxes["book"]["left"] - 0.5 and box["right"] <= boxes["book"]["right"] + 0.5
        assert box["height"] <= A5_CONTENT[1], "a photo taller than the page would be cut"
    page.emulate_media(media="null")  # back to the page's own media: a PDF is made with print media
    page.set_viewport_size({"width": 390, "height": 844})


def _tag_side(page) -> str:
    """Which side of the book an entry's kind label starts on."""
    found = page.evaluate(
        """() => {
          const book = document.querySelector('article.book').getBoundingClientRect();
          const tag = document.querySelector('.book-entry .tag').getBoundingClientRect();
          return {left: tag.left - book.left, right: book.right - tag.right};
        }"""
    )
    return "left" if found["left"] < found["right"] else "right"


def test_jay_prints_their_book_as_a_pdf_in_english_and_arabic(
    page, app, db_session, live_server, jay, young_person_account
):
    _sign_in(page, app, db_session, live_server, young_person_account)
    base = live_server.url

    page.goto(f"{base}/me/book/print")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text("My journey book")
    expect(page.locator("article.book .book-entry h2")).to_have_text(
        ["My first bike", "At the beach", "Sports day", "The tall tree"]
    )
    _photos_loaded(page)
    button = page.get_by_role("button", name="Print or save as PDF")
    expect(button).to_be_visible()  # print.js shows it
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    button.click()
    assert page.evaluate("window.printed") == 1
    assert_accessible(page, "on Print my book (en)")
    assert _tag_side(page) == "left"
    _photos_fit_the_page(page)

    book = _pdf(page)
    assert len(book.pages) >= 2
    assert _close(_size(book), A5), _size(book)
    cover = unicodedata.normalize("NFKC", book.pages[0].extract_text())
    assert "My journey book" in cover and "Jay" in cover
    assert "My first bike" not in cover, "the cover has a page of its own"
    words = _words(book)
    for title in (
        "My first bike",
        "At the beach",
        "Sports day",
        "The tall tree",
        "12 March 2015",
        "Around 2018",
    ):
        assert title in words, title
    assert _images(book) >= PHOTO_COUNT

    page.get_by_role("link", name="A4 (bigger pages)").click()
    page.wait_for_url(f"{base}/me/book/print?size=a4&order=memory")
    _photos_loaded(page)
    assert_accessible(page, "on Print my book, A4 (en)")
    bigger = _pdf(page)
    assert _close(_size(bigger), A4), _size(bigger)
    assert len(bigger.pages) >= 2 and _images(bigger) >= PHOTO_COUNT
    assert "My first bike" in _words(bigger)

    page.goto(f"{base}/me/book/print")
    page.locator("form.language-switch button[value='ar']").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    page.wait_for_url(f"{base}/me/book/print")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    _photos_loaded(page)
    assert_accessible(page, "on Print my book (ar)")
    assert _tag_side(page) == "right", "in Arabic the book runs right to left"
    _photos_fit_the_page(page)

    arabic = _pdf(page)
    assert len(arabic.pages) >= 2
    assert _close(_size(arabic), A5)
    assert _images(arabic) >= PHOTO_COUNT
    words = _words(arabic)
    # "March" in Arabic, as Babel writes the date; text may come out of the PDF in visual order.
    assert "مارس" in words or "سرام" in words, words[:500]
    assert "My first bike" in words


def test_without_javascript_there_is_no_button_that_does_nothing(
    browser, app, db_session, live_server, jay, young_person_account
):
    context = browser.new_context(**PHONE_CONTEXT, java_script_enabled=False)
    try:
        page = context.new_page()
        _sign_in(page, app, db_session, live_server, young_person_account)
        page.goto(f"{live_server.url}/me/book/print")
        expect(page.get_by_role("heading", level=1)).to_have_text("My journey book")
        expect(page.locator("button[data-print]")).to_be_hidden()
        expect(page.locator(".print-intro")).to_contain_text("choose Print in your browser's menu")
    finally:
        context.close()
