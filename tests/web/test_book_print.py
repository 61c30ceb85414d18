"""Print and keep: the young person's whole journey book as one printable page, over HTTP.

The page holds a cover and every entry in the book, and nothing else: no supporter's memory still
waiting for an answer, nothing declined or deleted, nobody else's book. Dates are only as exact as
the young person was; photos carry their size and words for people who cannot see them.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup

from app.models import (
    AuthorRole,
    DatePrecision,
    EntryKind,
    EntryStatus,
    JourneyPhoto,
    Role,
    SafetyStatus,
)
from tests import factories
from tests.helpers import PageClient, count_queries, phone_of, text

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def jay(db_session, organisation, coordinator, young_person_account):
    person = factories.taking_part(db_session, organisation, young_person_account, coordinator)
    db_session.commit()
    return person


@pytest.fixture
def me(app, young_person_account, jay) -> PageClient:
    return phone_of(app, young_person_account)


def entry(db_session, young_person, title: str, added_days: int, **values):
    """An entry added ``added_days`` after START (so "newest first" is known)."""
    values.setdefault("created_at", START + timedelta(days=added_days))
    return factories.journey_entry(db_session, young_person, title=title, **values)


def photo(entry_, position: int = 0, width: int = 1600, height: int = 1200, **values) -> JourneyPhoto:
    found = JourneyPhoto(
        storage_name=secrets.token_hex(16) + ".jpg",
        width=width,
        height=height,
        size_bytes=1000,
        position=position,
        **values,
    )
    entry_.photos.append(found)
    return found


def titles(soup: BeautifulSoup) -> list[str]:
    return [text(heading) for heading in soup.select("article.book .book-entry h2")]


def section(soup: BeautifulSoup, title: str):
    for found in soup.select("article.book .book-entry"):
        if text(found.find("h2")) == title:
            return found
    raise AssertionError(f"no entry called {title!r} in {titles(soup)}")


def test_the_book_holds_every_entry_in_it_and_nothing_else_oldest_memory_first(
    db_session, organisation, jay, supporter_account, me
):
    nan = factories.supporter_with_account(db_session, jay, supporter_account, name="Nan")
    entry(db_session, jay, "My first bike", 1, happened_on=date(2015, 3, 12))
    entry(db_session, jay, "Moving to Leeds", 2, happened_on=date(2019, 9, 1))
    entry(db_session, jay, "Starting at Oak Road", 3, happened_on=date(2012, 9, 4), kind=EntryKind.MILESTONE)
    entry(db_session, jay, "Something I wrote today", 4)  # no date: where it was written
    accepted = dict(author_role=AuthorRole.SUPPORTER, author_account_id=supporter_account.id)
    entry(db_session, jay, "When you were born", 5, happened_on=date(2010, 3, 14), **accepted)
    # Not in the book: waiting for Jay, a change asked, declined, deleted, and someone else's book.
    entry(db_session, jay, "Waiting memory", 6, **accepted, status=EntryStatus.AWAITING_YOUNG_PERSON)
    entry(db_session, jay, "Change asked memory", 7, **accepted, status=EntryStatus.CHANGE_ASKED)
    entry(db_session, jay, "Declined memory", 8, **accepted, status=EntryStatus.DECLINED)
    entry(db_session, jay, "Deleted entry", 9, deleted_at=START + timedelta(days=10))
    other = factories.young_person(db_session, organisation=organisation, chosen_name="Sam")
    entry(db_session, other, "Sam's own memory", 10)
    assert nan.account_id == supporter_account.id
    db_session.commit()

    soup = me.get_page("youth.print_book")

    cover = soup.select_one("article.book .book-cover")
    assert text(cover.select_one(".book-cover__name")) == "Jay"
    assert text(cover.find("h1")) == "My journey book"
    assert text(cover.select_one(".book-cover__made")).startswith("Made on ")
    # Oldest memory first, like a story; an undated entry sits where it was written.
    assert titles(soup) == [
        "When you were born",
        "Starting at Oak Road",
        "My first bike",
        "Moving to Leeds",
        "Something I wrote today",
    ]
    page = soup.decode()
    for hidden in ("Waiting memory", "Change asked memory", "Declined memory", "Deleted entry", "Sam"):
        assert hidden not in page
    assert soup.select_one("article.book.book--a5") is not None

    newest = me.get_page("youth.print_book", order="newest")
    assert titles(newest) == [
        "When you were born",
        "Something I wrote today",
        "Starting at Oak Road",
        "Moving to Leeds",
        "My first bike",
    ]
    # Something odd in the address is read as the usual choice, not an error.
    odd = me.get_page("youth.print_book", order="sideways", size="letter")
    assert titles(odd) == titles(soup)
    assert odd.select_one("article.book.book--a5") is not None


def test_dates_in_words_as_exact_as_they_were_given_with_kind_people_and_safe_text(db_session, jay, me):
    auntie = factories.network_member(db_session, jay, name="Auntie Rose")
    nan = factories.network_member(db_session, jay, name="Nan")
    hidden = factories.network_member(
        db_session,
        jay,
        name="Person Kept Away",
        safety_status=SafetyStatus.DO_NOT_CONTACT,
        shown_to_young_person=False,
    )
    entry(db_session, jay, "A day", 1, happened_on=date(2015, 3, 12), date_precision=DatePrecision.DAY)
    entry(db_session, jay, "A month", 2, happened_on=date(2015, 3, 1), date_precision=DatePrecision.MONTH)
    entry(db_session, jay, "A year", 3, happened_on=date(2014, 1, 1), date_precision=DatePrecision.YEAR)
    entry(
        db_session, jay, "Long ago", 4, happened_on=date(2013, 1, 1), date_precision=DatePrecision.AROUND_YEAR
    )
    entry(
        db_session,
        jay,
        "Nan's words",
        5,
        kind=EntryKind.QUOTE,
        body="**Always** be _kind_\n\n- to others\n- to yourself\n\n" + HOSTILE,
        people=[nan, auntie, hidden],
    )
    db_session.commit()

    soup = me.get_page("youth.print_book")

    def meta(title: str) -> str:
        return text(section(soup, title).select_one(".book-entry__meta"))

    assert meta("A day") == "Memory 12 March 2015"
    assert meta("A month") == "Memory March 2015"
    assert meta("A year") == "Memory 2014"
    assert meta("Long ago") == "Memory Around 2013"
    assert meta("Nan's words") == "Quote"  # no date: no date words
    quote = section(soup, "Nan's words")
    words = quote.select_one("blockquote.book-entry__text")
    assert words.find("strong").get_text() == "Always" and words.find("em").get_text() == "kind"
    assert [li.get_text() for li in words.select("ul li")] == ["to others", "to yourself"]
    assert quote.find("script") is None and quote.find("img") is None
    assert HOSTILE in words.get_text()  # shown as the words typed, never run
    people = text(quote.select_one(".book-entry__people"))
    assert people.startswith("With ") and "Nan" in people and "Auntie Rose" in people
    assert "Person Kept Away" not in soup.decode()


def test_photos_have_their_size_and_words_one_full_width_more_in_two_columns(db_session, jay, me):
    one = entry(db_session, jay, "At the beach", 1, kind=EntryKind.PHOTO)
    single = photo(one, width=1600, height=1200, alt_text="Me and Nan on the sand")
    many = entry(db_session, jay, "Sports day", 2, kind=EntryKind.PHOTO)
    first = photo(many, 0, width=1200, height=1600)
    second = photo(many, 1, width=2048, height=1365)
    db_session.commit()

    soup = me.get_page("youth.print_book")

    beach = section(soup, "At the beach").select_one(".book-photos")
    assert "book-photos--one" in beach["class"]
    [image] = beach.find_all("img")
    assert image["src"] == me.url("photos.photo", public_id=single.public_id)
    assert (image["width"], image["height"]) == ("1600", "1200")
    assert image["alt"] == "Me and Nan on the sand"
    sports = section(soup, "Sports day").select_one(".book-photos")
    assert "book-photos--grid" in sports["class"]
    images = sports.find_all("img")
    assert [img["src"] for img in images] == [
        me.url("photos.photo", public_id=first.public_id),
        me.url("photos.photo", public_id=second.public_id),
    ]
    assert [(img["width"], img["height"]) for img in images] == [("1200", "1600"), ("2048", "1365")]
    assert [img["alt"] for img in images] == ["Photo 1 of 2 from Sports day", "Photo 2 of 2 from Sports day"]
    for img in soup.find_all("img"):
        assert img.get("alt") is not None and not img.get("loading")  # lazy photos could miss the print


def test_a4_switch_print_button_and_its_own_stylesheet(db_session, jay, me):
    entry(db_session, jay, "My first bike", 1, happened_on=date(2015, 3, 12))
    db_session.commit()

    soup = me.get_page("youth.print_book")

    switch = soup.select("nav.print-switch")[0]
    links = {text(link): link for link in switch.find_all("a")}
    assert links["A5 (a small book)"].get("aria-current") == "true"
    assert links["A4 (bigger pages)"]["href"] == me.url("youth.print_book", size="a4", order="memory")
    button = soup.select_one(".print-intro button[data-print]")
    assert text(button) == "Print or save as PDF" and button.has_attr("hidden")  # print.js shows it
    assert not button.has_attr("onclick")
    head = soup.find("head")
    sheets = [link["href"] for link in head.find_all("link", rel="stylesheet")]
    assert any(href.startswith("/static/css/print-book.css?v=") for href in sheets)
    assert any(s["src"].startswith("/static/js/print.js?v=") for s in head.find_all("script", src=True))
    assert all(script.get("src") for script in soup.find_all("script"))  # no inline scripts

    a4 = me.get_page("youth.print_book", size="a4")
    assert a4.select_one("article.book.book--a4") is not None
    a4_links = {text(link): link for link in a4.select("nav.print-switch")[0].find_all("a")}
    assert a4_links["A4 (bigger pages)"].get("aria-current") == "true"
    assert a4_links["A5 (a small book)"].get("aria-current") is None
    assert titles(a4) == ["My first bike"]
    # The order switch keeps the paper size.
    order_links = [link["href"] for link in a4.select("nav.print-switch")[1].find_all("a")]
    assert me.url("youth.print_book", size="a4", order="newest") in order_links

    home = me.get("/me/")
    assert b"print-book.css" not in home.data  # only the print page carries it


def test_an_empty_book_still_has_its_cover_and_says_so_kindly(jay, me):
    soup = me.get_page("youth.print_book")
    assert text(soup.select_one(".book-cover h1")) == "My journey book"
    assert "There is nothing in your book yet" in text(soup.select_one("article.book"))


def test_right_to_left_in_arabic(db_session, jay, young_person_account, me):
    young_person_account.language = "ar"
    db_session.merge(young_person_account)
    entry(db_session, jay, "My first bike", 1, happened_on=date(2015, 3, 12))
    db_session.commit()

    soup = me.get_page("youth.print_book")

    assert soup.find("html")["dir"] == "rtl" and soup.find("html")["lang"] == "ar"
    assert titles(soup) == ["My first bike"]
    assert "مارس" in text(section(soup, "My first bike").select_one(".book-entry__meta"))


def test_a_bigger_book_costs_no_more_queries(app, db_session, jay, me):
    nan = factories.network_member(db_session, jay, name="Nan")

    def queries() -> int:
        with count_queries(app.extensions["db"]) as counted:
            assert me.get("/me/book/print").status_code == 200
        return counted.count

    first = entry(db_session, jay, "One", 1, people=[nan])
    photo(first)
    db_session.commit()
    few = queries()
    for day in range(2, 12):
        more = entry(db_session, jay, f"Entry {day}", day, people=[nan])
        photo(more, 0)
        photo(more, 1)
    db_session.commit()
    assert queries() == few <= 10


@pytest.mark.parametrize("role", [Role.SUPPORTER, Role.COORDINATOR, Role.MANAGER])
def test_only_the_young_person_prints_their_book(app, db_session, organisation, jay, role):
    entry(db_session, jay, "My first bike", 1)
    account = factories.account(db_session, role=role, organisation=organisation)
    if role is Role.SUPPORTER:
        factories.supporter_with_account(db_session, jay, account, name="Nan")
    db_session.commit()

    response = phone_of(app, account).get("/me/book/print")

    assert response.status_code == 403
    assert b"My first bike" not in response.data


def test_someone_signed_out_is_sent_to_sign_in(app, jay):
    response = app.test_client().get("/me/book/print")
    assert response.status_code in (302, 303)
    assert "/sign-in" in response.headers["Location"]
