"""Print and keep: the young person's whole journey book as pages for paper or a PDF.

A cover, then every entry in the book with its photos, on A5 (a little book) or A4. By default the
entries run from the oldest memory to the newest, so the book reads like a story from the start;
``order=newest`` puts the newest added first, as the book's own page does. The browser does the
printing (and "Save as PDF"): print-book.css sets the page size and keeps photos whole.
"""

from __future__ import annotations

from babel.lists import format_list
from flask import render_template, request
from flask_babel import get_locale

from app import book_text
from app.book_words import date_words, kind_label, when
from app.domain import journey, permissions
from app.domain.schedules import today_in
from app.extensions import db
from app.models import utcnow
from app.youth import bp
from app.youth.choices import me

SIZES = ("a5", "a4")
ORDERS = ("memory", "newest")


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    value = request.args.get(name, "")
    return value if value in allowed else allowed[0]


def _people_words(entry, shown: set[int]) -> str:
    """Who is tagged, leaving out anyone the coordinator decided not to show the young person."""
    names = [member.name for member in entry.people if member.id in shown]
    return format_list(names, locale=str(get_locale() or "en")) if names else ""


@bp.get("/book/print")
def print_book():
    young_person = me()
    size, order = _choice("size", SIZES), _choice("order", ORDERS)
    entries = journey.book(db.session, young_person, order=order)
    if order == "memory":
        entries.reverse()  # book() gives the newest memory first; a story starts at the beginning
    shown = {member.id for member in permissions.people_shown_to_young_person(young_person)}
    pages = [
        {
            "entry": entry,
            "kind": kind_label(entry.kind),
            "when": when(entry),
            "text": book_text.render(entry.body) if entry.body else "",
            "people": _people_words(entry, shown),
        }
        for entry in entries
    ]
    return render_template(
        "youth/book_print.html",
        young_person=young_person,
        pages=pages,
        size=size,
        order=order,
        made_on=date_words(today_in(young_person.timezone, utcnow())),
        sizes=SIZES,
        orders=ORDERS,
    )
