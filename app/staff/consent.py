"""Staff and consent: record parental responsibility consent, or a young person's decision given in person."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from app.consent_wording import shown
from app.domain import consent
from app.extensions import db
from app.models import Channel, ConsentKind, Decision, SafetyStatus, utcnow
from app.staff import bp
from app.staff.lookup import young_person_or_404

CHANNEL_LABELS = {
    Channel.IN_PERSON: _l("In person"),
    Channel.PHONE: _l("By phone"),
    Channel.LETTER: _l("In a letter"),
    Channel.EMAIL: _l("By e-mail"),
}


def _not_in_future(_form, field):
    if field.data and field.data > date.today():
        raise ValidationError(_l("The date can't be in the future"))


class PRConsentForm(FlaskForm):
    pr_holder = StringField(
        _l("Who holds parental responsibility?"),
        validators=[DataRequired(message=_l("Enter who holds parental responsibility")), Length(max=200)],
    )
    pr_channel = SelectField(
        _l("How did they give it?"),
        choices=[SelectChoice(channel.value, label) for channel, label in CHANNEL_LABELS.items()],
    )
    pr_date = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter the date")), _not_in_future])
    pr_decision = RadioField(
        _l("Their decision"),
        choices=[SelectChoice("given", _l("They agree")), SelectChoice("withdrawn", _l("They do not agree"))],
        validators=[DataRequired(message=_l("Choose their decision"))],
    )


class InPersonAgreementForm(FlaskForm):
    yp_decision = RadioField(
        _l("What did the young person tell you?"),
        choices=[
            SelectChoice("given", _l("They want to take part")),
            SelectChoice("withdrawn", _l("They want to stop")),
        ],
        validators=[DataRequired(message=_l("Choose what they told you"))],
    )
    in_person = BooleanField(
        _l("They told me themselves, in person"),
        validators=[DataRequired(message=_l("Only record what the young person told you themselves"))],
    )


def consent_context(young_person) -> dict:
    state = consent.load_state(db.session, young_person)
    names = {consent.member_scope(member): member.name for member in young_person.network}
    return {
        "state": state,
        "today": date.today(),
        "history": consent.history(db.session, young_person),
        "scope_names": names,
        "pr_form": PRConsentForm(),
        "agreement_form": InPersonAgreementForm(),
        "safe": SafetyStatus.SAFE,
    }


def _page(young_person, status=200, **forms):
    context = consent_context(young_person)
    context.update(forms)
    return render_template("staff/young_person.html", young_person=young_person, **context), status


@bp.post("/young-people/<public_id>/consent/parental-responsibility")
def record_pr_consent(public_id: str):
    young_person = young_person_or_404(public_id)
    form = PRConsentForm()
    if not form.validate():
        return _page(young_person, 400, pr_form=form)
    consent.record(
        db.session,
        young_person,
        ConsentKind.PR_REFERRAL,
        Decision(form.pr_decision.data),
        actor=current_user,
        channel=Channel(form.pr_channel.data),
        wording=shown("pr_referral"),
        now=utcnow(),
        pr_holder=form.pr_holder.data.strip(),
        decided_on=form.pr_date.data,
    )
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("staff.young_person", public_id=public_id), code=303)


@bp.post("/young-people/<public_id>/consent/in-person")
def record_agreement_in_person(public_id: str):
    young_person = young_person_or_404(public_id)
    form = InPersonAgreementForm()
    if not form.validate():
        return _page(young_person, 400, agreement_form=form)
    key = "young_person_agreement" if form.yp_decision.data == "given" else "young_person_withdrawal"
    consent.record(
        db.session,
        young_person,
        ConsentKind.YOUNG_PERSON_AGREEMENT,
        Decision(form.yp_decision.data),
        actor=current_user,
        channel=Channel.IN_PERSON,
        wording=shown(key),
        now=utcnow(),
        recorded_by_staff=True,
    )
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("staff.young_person", public_id=public_id), code=303)
