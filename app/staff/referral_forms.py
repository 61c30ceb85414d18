"""Forms for referrals and for trying the eligibility policy. Both ask the same facts about a child."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.domain.eligibility import Facts
from app.web.forms import DateText

LEGAL_STATUS_CHOICES = [
    SelectChoice("care_order", _l("Care order")),
    SelectChoice("interim_care_order", _l("Interim care order (care proceedings not finished)")),
    SelectChoice("section_20", _l("Section 20 (accommodated by agreement)")),
    SelectChoice("none", _l("None or not known")),
]
PLAN_CHOICES = [
    SelectChoice("long_term_care", _l("Stay in care long term")),
    SelectChoice("return_home", _l("Return home")),
    SelectChoice("adoption", _l("Adoption")),
    SelectChoice("none", _l("Not decided or not known")),
]
RESULT_CHOICES = [
    SelectChoice("eligible", _l("Go ahead: eligible")),
    SelectChoice("not_eligible", _l("Not eligible")),
]


class FactsForm(FlaskForm):
    born = DateText(_l("Date of birth"), validators=[InputRequired(message=_l("Enter the date of birth"))])
    where = RadioField(
        _l("Where are they now?"),
        choices=[
            SelectChoice("in_care", _l("In care")),
            SelectChoice("care_leaver", _l("Left care (care leaver)")),
        ],
        default="in_care",
        validators=[InputRequired(message=_l("Choose in care or left care"))],
    )
    legal_status = SelectField(_l("Legal status"), choices=LEGAL_STATUS_CHOICES, default="none")
    in_care_since = DateText(_l("In care since (if known)"), validators=[Optional()])
    plan = SelectField(_l("Care plan"), choices=PLAN_CHOICES, default="none")
    uasc = BooleanField(_l("Unaccompanied asylum-seeking child"))
    family_abroad = BooleanField(_l("Hopes to find family outside the UK"))
    in_custody = BooleanField(_l("In custody now"))

    on_date: date  # the day the facts are checked on; set by the caller before validating

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        born, since, on = self.born.date, self.in_care_since.date, self.check_day()
        if born and born > on:
            self.born.errors = [
                *self.born.errors,
                _l("The date of birth can't be after the day of the check"),
            ]
            valid = False
        if born and since and not born <= since <= on:
            self.in_care_since.errors = [
                *self.in_care_since.errors,
                _l("The date they came into care must be after their birth and not in the future"),
            ]
            valid = False
        return valid

    def check_day(self) -> date:
        return self.on_date

    def facts(self, self_referral: bool = False) -> Facts:
        leaver = self.where.data == "care_leaver"
        return Facts(
            born=self.born.date,
            on=self.check_day(),
            in_care_since=None if leaver else self.in_care_since.date,
            care_leaver=leaver,
            legal_status="none" if leaver else self.legal_status.data,
            plan="none" if leaver else self.plan.data,
            self_referral=self_referral,
            uasc=self.uasc.data,
            family_abroad=self.family_abroad.data,
            in_custody=self.in_custody.data,
        )


class StaffReferralForm(FactsForm):
    chosen_name = StringField(
        _l("The name they like to be called"),
        validators=[DataRequired(message=_l("Enter the name they like to be called")), Length(max=120)],
    )
    legal_name = StringField(_l("Full legal name, if different"), validators=[Optional(), Length(max=200)])
    pr_holder = StringField(
        _l("Who holds parental responsibility?"), validators=[Optional(), Length(max=200)]
    )
    reason = TextAreaField(
        _l("Why are you referring them?"),
        validators=[DataRequired(message=_l("Say why you are referring them")), Length(max=4000)],
    )


class PolicyTryForm(FactsForm):
    on = DateText(_l("Check on this day"), validators=[Optional()])
    self_referral = BooleanField(_l("They are asking for themselves (self-referral)"))

    def check_day(self) -> date:
        return self.on.date or self.on_date


class OverrideForm(FlaskForm):
    decision = RadioField(
        _l("What did you decide?"),
        choices=RESULT_CHOICES,
        validators=[InputRequired(message=_l("Choose what you decided"))],
    )
    override_reason = TextAreaField(
        _l("Why? (the referrer and the coordinators see this)"),
        validators=[DataRequired(message=_l("Say why you decided this")), Length(max=2000)],
    )


class AcceptForm(FlaskForm):
    coordinator = SelectField(_l("Their coordinator"), validators=[InputRequired()])


class CloseForm(FlaskForm):
    close_reason = TextAreaField(
        _l("Why are you closing it? (the referrer sees this)"),
        validators=[DataRequired(message=_l("Say why you are closing the referral")), Length(max=2000)],
    )
