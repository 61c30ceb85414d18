"""Forms for the plan builder: the conference, and each commitment with its schedule."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.models import ScheduleKind
from app.plan_words import KIND_LABELS
from app.web.forms import Checkboxes, DateText

KIND_CHOICES = [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]
SCHEDULE_CHOICES = [
    SelectChoice(ScheduleKind.ONCE.value, _l("Once, on a date")),
    SelectChoice(ScheduleKind.YEARLY_BIRTHDAY.value, _l("Every year on the young person's birthday")),
    SelectChoice(ScheduleKind.YEARLY_DATE.value, _l("Every year on a date (for example 25 December)")),
    SelectChoice(ScheduleKind.EVERY_N_WEEKS.value, _l("Every few weeks, from a date")),
    SelectChoice(ScheduleKind.EVERY_N_MONTHS.value, _l("Every few months, from a date")),
]


NOT_A_SUPPORTER = _l(
    "Only people the young person agreed to contact, checked safe, who said yes to taking part."
)


class SupporterChoice(Checkboxes):
    """Checkboxes of the people who may be chosen; anyone else gets a plain message."""

    def pre_validate(self, form) -> None:
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(str(NOT_A_SUPPORTER))


class ConferenceForm(FlaskForm):
    held_on = DateText(_l("Date of the conference"), validators=[InputRequired(message=_l("Enter the date"))])
    place = StringField(
        _l("Place"), validators=[DataRequired(message=_l("Enter the place")), Length(max=200)]
    )
    attendees = TextAreaField(
        _l("Who came"), validators=[DataRequired(message=_l("Say who came")), Length(max=4000)]
    )
    private_family_time = BooleanField(_l("Private family time took place"))


class CommitmentForm(FlaskForm):
    kind = SelectField(_l("What"), choices=KIND_CHOICES)
    supporters = SupporterChoice(
        _l("Who"),
        choices=[],
        validators=[InputRequired(message=_l("Choose at least one person"))],
    )
    description = TextAreaField(
        _l("In plain words"),
        validators=[DataRequired(message=_l("Describe it in plain words")), Length(max=1000)],
    )
    schedule = SelectField(_l("When"), choices=SCHEDULE_CHOICES)
    starts_on = DateText(_l("Date (or first date)"), validators=[Optional()])
    interval = IntegerField(
        _l("How many weeks or months apart"),
        validators=[Optional(), NumberRange(min=1, max=52, message=_l("A number from 1 to 52"))],
    )
    ends_on = DateText(_l("Last date (optional)"), validators=[Optional()])
    window_days_before = IntegerField(
        _l("Counts as on time from this many days before"),
        default=0,
        validators=[InputRequired(message=_l("Enter a number of days")), NumberRange(min=0, max=366)],
    )
    window_days_after = IntegerField(
        _l("…until this many days after"),
        default=0,
        validators=[InputRequired(message=_l("Enter a number of days")), NumberRange(min=0, max=366)],
    )
    checked_by = StringField(_l("Who will check it is done"), validators=[Optional(), Length(max=200)])


class ReviewDateForm(FlaskForm):
    review_due_on = DateText(_l("Review the plan on"), validators=[Optional()])
