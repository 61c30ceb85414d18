"""Form pieces shared by several areas."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class DateText(StringField):
    """A date typed or picked as YYYY-MM-DD. Keeps exactly what was typed; ``.date`` is the parsed date.

    A date that cannot be read gets a plain message (WTForms' own DateField says "Not a valid date
    value." in English only).
    """

    def __init__(self, label=None, validators=None, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or _l("Enter the date like this: 2004-03-21")
        self.date: date | None = None

    def pre_validate(self, form) -> None:
        self.date = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            self.date = date.fromisoformat(text)
        except ValueError:
            raise ValidationError(str(self.invalid_message)) from None
        if not 1900 <= self.date.year <= 2200:  # a typing slip, not a real date; callers check the future
            self.date = None
            raise ValidationError(str(self.invalid_message))


class Checkboxes(SelectMultipleField):
    """Several answers to one question: a list of checkboxes, each with its label after it."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
