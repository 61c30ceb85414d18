"""The form for a page of the journey book, used by the young person and by supporters sending a memory.

When it happened can be exact ("12 March 2015"), a month, a year, or a guess ("around 2015"): people
remember childhoods in years, not dates.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.domain import photos
from app.domain.journey import MAX_PHOTOS, Draft
from app.models import DatePrecision, EntryKind
from app.web.forms import Checkboxes

KIND_CHOICES = [
    SelectChoice(EntryKind.MEMORY.value, _l("A memory")),
    SelectChoice(EntryKind.PHOTO.value, _l("A photo")),
    SelectChoice(EntryKind.MILESTONE.value, _l("Something big that happened")),
    SelectChoice(EntryKind.FAMILY_HISTORY.value, _l("Family history")),
    SelectChoice(EntryKind.LETTER.value, _l("A letter")),
    SelectChoice(EntryKind.QUOTE.value, _l("Something someone said")),
]


class EntryForm(FlaskForm):
    kind = RadioField(_l("What is it?"), choices=KIND_CHOICES, default=EntryKind.MEMORY.value)
    title = StringField(
        _l("Give it a short title"),
        validators=[
            DataRequired(message=_l("Please give it a short title")),
            Length(max=200, message=_l("Please keep the title under %(max)d characters")),
        ],
    )
    body = TextAreaField(
        _l("Write about it (if you like)"),
        validators=[Optional(), Length(max=10_000, message=_l("Please keep it under %(max)d characters"))],
    )
    day = StringField(_l("Day"), validators=[Optional()])
    month = StringField(_l("Month"), validators=[Optional()])
    year = StringField(_l("Year"))
    around = BooleanField(_l("I'm not sure of the year: it was around then"))
    people = Checkboxes(_l("Who is in it?"), choices=[], validate_choice=True)
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": photos.ACCEPTED_TYPES})
    version = HiddenField()

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people.choices = [SelectChoice(member.public_id, member.name) for member in people]
        self._people = {member.public_id: member for member in people}
        self.when: tuple[date | None, DatePrecision] = (None, DatePrecision.DAY)

    def validate_year(self, field) -> None:
        self.when = _when(self.day.data, self.month.data, field.data, self.around.data)

    def uploads(self):
        """The files chosen (browsers send an empty part when none was chosen)."""
        return [upload for upload in (self.photos.data or []) if getattr(upload, "filename", "")]

    def validate_photos(self, field) -> None:
        if len(self.uploads()) > MAX_PHOTOS:
            raise ValidationError(_l("Please choose up to %(count)d photos at a time", count=MAX_PHOTOS))

    def draft(self) -> Draft:
        happened_on, precision = self.when
        chosen = [self._people[key] for key in self.people.data or [] if key in self._people]
        return Draft(
            kind=EntryKind(self.kind.data),
            title=self.title.data or "",
            body=self.body.data or "",
            happened_on=happened_on,
            precision=precision,
            people=chosen if self._people else None,
        )

    def fill_from(self, entry) -> None:
        """Show a saved entry in the form (for editing)."""
        self.kind.data = entry.kind.value
        self.title.data = entry.title
        self.body.data = entry.body
        self.version.data = str(entry.version)
        self.people.data = [member.public_id for member in entry.people]
        if entry.happened_on:
            precision = entry.date_precision
            self.year.data = str(entry.happened_on.year)
            self.around.data = precision is DatePrecision.AROUND_YEAR
            if precision in (DatePrecision.DAY, DatePrecision.MONTH):
                self.month.data = str(entry.happened_on.month)
            if precision is DatePrecision.DAY:
                self.day.data = str(entry.happened_on.day)


def _number(text: str | None, low: int, high: int, message) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValidationError(message)
    return int(text)


def _when(day_text, month_text, year_text, around) -> tuple[date | None, DatePrecision]:
    """Day, month and year as typed (each optional) → the date and how exactly it is known."""
    year = _number(year_text, 1900, date.today().year, _l("Enter the year as 4 numbers, like 2015"))
    month = _number(month_text, 1, 12, _l("Enter the month as a number from 1 to 12"))
    day = _number(day_text, 1, 31, _l("Enter the day as a number from 1 to 31"))
    if year is None:
        if month or day:
            raise ValidationError(_l("Please add the year too"))
        return None, DatePrecision.DAY
    if around:
        return date(year, 1, 1), DatePrecision.AROUND_YEAR
    if month is None:
        if day:
            raise ValidationError(_l("Please add the month too"))
        return date(year, 1, 1), DatePrecision.YEAR
    if day is None:
        return date(year, month, 1), DatePrecision.MONTH
    if day > monthrange(year, month)[1]:
        raise ValidationError(_l("That month doesn't have that many days"))
    happened = date(year, month, day)
    if happened > date.today():
        raise ValidationError(_l("That date hasn't happened yet"))
    return happened, DatePrecision.DAY


def validate_with_photos(form: EntryForm, directory) -> tuple[list[photos.StoredPhoto], int | None]:
    """Check the words, then clean and store each photo. On any problem keep no photo, only the words
    (the page is drawn again with them): the status says why (400, or 413 for a photo that is too big)."""
    if not form.validate():
        return [], 400
    stored = []
    for upload in form.uploads():
        try:
            stored.append(photos.clean_and_store(upload.stream, directory))
        except photos.PhotoRefused as refused:
            for photo in stored:
                photos.remove(directory, photo.storage_name)
            form.photos.errors = [refused.message]
            form._errors = None  # WTForms caches the summary of errors; this one came after validate()
            return [], 413 if refused.code == "too_big" else 400
    return stored, None
