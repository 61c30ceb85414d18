"""Forms for the network: a person's details, their safety check, and the contact log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from app.models import ContactMethod, FamilySide, MemberKind, SafetyStatus
from app.web.forms import DateText

SIDE_CHOICES = [
    SelectChoice(FamilySide.MOTHERS.value, _l("Mum's side")),
    SelectChoice(FamilySide.FATHERS.value, _l("Dad's side")),
    SelectChoice(FamilySide.BOTH.value, _l("Both sides")),
    SelectChoice(FamilySide.NOT_FAMILY.value, _l("Not family (friend, carer, teacher…)")),
    SelectChoice(FamilySide.UNKNOWN.value, _l("Not known")),
]
CIRCLE_CHOICES = [
    SelectChoice("1", _l("1 — closest")),
    SelectChoice("2", _l("2 — close")),
    SelectChoice("3", _l("3 — further out")),
    SelectChoice("", _l("Not placed yet")),
]
SAFETY_CHOICES = [
    SelectChoice(SafetyStatus.UNCHECKED.value, _l("Not checked yet")),
    SelectChoice(SafetyStatus.SAFE.value, _l("Safe to contact")),
    SelectChoice(SafetyStatus.DO_NOT_CONTACT.value, _l("Do not contact")),
]
METHOD_CHOICES = [
    SelectChoice(ContactMethod.PHONE.value, _l("Phone")),
    SelectChoice(ContactMethod.VIDEO.value, _l("Video call")),
    SelectChoice(ContactMethod.EMAIL.value, _l("E-mail")),
    SelectChoice(ContactMethod.LETTER.value, _l("Letter")),
    SelectChoice(ContactMethod.IN_PERSON.value, _l("In person")),
    SelectChoice(ContactMethod.MESSAGE.value, _l("Text or message")),
    SelectChoice(ContactMethod.OTHER.value, _l("Other")),
]


class PersonForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter their name")), Length(max=120)])
    relationship_label = StringField(
        _l("Who they are to the young person"), validators=[Optional(), Length(max=120)]
    )
    family_side = SelectField(_l("Family side"), choices=SIDE_CHOICES, default=FamilySide.UNKNOWN.value)
    circle = SelectField(_l("Circle"), choices=CIRCLE_CHOICES, default="")
    kind = RadioField(
        _l("Person or pet"),
        choices=[
            SelectChoice(MemberKind.PERSON.value, _l("Person")),
            SelectChoice(MemberKind.PET.value, _l("Pet")),
        ],
        default=MemberKind.PERSON.value,
        validators=[InputRequired()],
    )
    deceased = BooleanField(_l("They have died"))
    email = EmailField(
        _l("E-mail address (staff only)"),
        validators=[Optional(), Email(message=_l("Check the e-mail address")), Length(max=254)],
    )
    phone = TelField(_l("Phone (staff only)"), validators=[Optional(), Length(max=40)])
    address = TextAreaField(_l("Address (staff only)"), validators=[Optional(), Length(max=500)])
    country = StringField(_l("Country, if not the UK"), validators=[Optional(), Length(max=80)])
    staff_notes = TextAreaField(_l("Notes (staff only)"), validators=[Optional(), Length(max=4000)])


class SafetyForm(FlaskForm):
    safety_status = RadioField(
        _l("Is it safe to contact them?"),
        choices=SAFETY_CHOICES,
        validators=[InputRequired(message=_l("Choose one"))],
    )
    safety_reason = TextAreaField(
        _l("Why? (kept with your name and the date)"),
        validators=[DataRequired(message=_l("Say why you decided this")), Length(max=2000)],
    )
    shown_to_young_person = BooleanField(_l("If do not contact: still show them in the young person's list"))


class ContactLogForm(FlaskForm):
    contacted_on = DateText(_l("Date"), validators=[InputRequired(message=_l("Enter the date"))])
    method = SelectField(_l("How"), choices=METHOD_CHOICES)
    outcome = TextAreaField(
        _l("What happened"), validators=[DataRequired(message=_l("Say what happened")), Length(max=2000)]
    )
