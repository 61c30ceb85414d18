"""Journey book entries in words: what kind of page it is, and when it happened.

"12 March 2015", "March 2015", "2015" or "Around 2015", as sure as the young person was. The printed
book, the timeline and the book's own pages all say it the same way. Call inside a request or app
context, so the words and the month names are in the reader's language.
"""

from __future__ import annotations

from datetime import date

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l

from app.models import DatePrecision, EntryKind, JourneyEntry

KIND_LABELS = {
    EntryKind.MEMORY: _l("Memory"),
    EntryKind.PHOTO: _l("Photo"),
    EntryKind.MILESTONE: _l("Milestone"),
    EntryKind.FAMILY_HISTORY: _l("Family history"),
    EntryKind.LETTER: _l("Letter"),
    EntryKind.QUOTE: _l("Quote"),
}


def kind_label(kind: EntryKind | str) -> str:
    return str(KIND_LABELS[EntryKind(kind)])


def date_words(day: date | None, precision: DatePrecision | str = DatePrecision.DAY) -> str:
    """A date only as exact as it was given; "" when there is no date."""
    if day is None:
        return ""
    precision = DatePrecision(precision)
    if precision is DatePrecision.MONTH:
        return format_date(day, "MMMM y")
    if precision is DatePrecision.YEAR:
        return format_date(day, "y")
    if precision is DatePrecision.AROUND_YEAR:
        return gettext("Around %(year)s", year=format_date(day, "y"))
    return format_date(day, "d MMMM y")


def when(entry: JourneyEntry) -> str:
    """When the entry's memory happened, in words; "" for an entry with no date."""
    return date_words(entry.happened_on, entry.date_precision or DatePrecision.DAY)
