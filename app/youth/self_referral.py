"""Referring yourself (care-experienced adults, 18 until 25): council, questions, answer, contact, passkey.

Nothing is stored in the database until the passkey exists. Until then the answers travel in this
browser's signed session cookie only, and are dropped when the answer is "no", for under-18s, and once
the referral is saved.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, EmailField, RadioField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp, ValidationError

from app.auth.passkey_http import credential_from_request, finished, options_response, refused
from app.auth.web_session import browser_key, relying_party, sign_in
from app.domain import passkeys, referrals, self_referral
from app.domain.eligibility import NOT_ELIGIBLE
from app.extensions import db, limiter
from app.models import Organisation, utcnow
from app.web.forms import DateText
from app.web.i18n import current_language

bp = Blueprint("refer", __name__, url_prefix="/refer")
PENDING = "self_referral"


def REFERRAL_LIMIT() -> str:
    return current_app.config["RATE_LIMIT_REFERRAL"]


class QuestionsForm(FlaskForm):
    born = DateText(
        _l("What is your date of birth?"),
        validators=[InputRequired(message=_l("Enter your date of birth"))],
        invalid_message=_l("Enter your date of birth like this: 2004-03-21"),
    )
    care_experienced = RadioField(
        _l("Were you in care when you were younger?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(message=_l("Choose yes or no"))],
    )
    family_abroad = BooleanField(_l("I hope to find family who live in another country"))
    uasc = BooleanField(_l("I'm still waiting to hear if I can stay in the UK"))

    def validate_born(self, field) -> None:
        if field.date and field.date > date.today():
            raise ValidationError(_("Check your date of birth"))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ContactForm(FlaskForm):
    name = StringField(
        _l("What should we call you?"),
        validators=[DataRequired(message=_l("Tell us what to call you")), Length(max=60)],
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[Optional(), Email(message=_l("Check the e-mail address")), Length(max=254)],
        filters=[_strip],  # phones' autocomplete often adds a space after the address
    )
    phone = TelField(
        _l("Phone number"),
        validators=[
            Optional(),
            Regexp(r"^\+?[0-9 ()-]{7,20}$", message=_l("Check the phone number: use numbers and spaces")),
        ],
    )
    hopes = TextAreaField(
        _l("What would you like help with? (you don't have to say)"), validators=[Length(max=500)]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.email.data or "").strip() and not (self.phone.data or "").strip():
            self.email.errors = [
                *self.email.errors,
                _("Give us an e-mail address or a phone number, or both"),
            ]
            return False
        return valid


def _organisation_or_404(slug: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None or not referrals.self_referral_open(organisation):
        abort(404)
    return organisation


def _pending(slug: str) -> dict | None:
    pending = session.get(PENDING)
    return pending if pending and pending.get("organisation") == slug else None


def _answers(pending: dict) -> self_referral.SelfReferralAnswers:
    return self_referral.SelfReferralAnswers(
        born=date.fromisoformat(pending["born"]),
        care_experienced=pending["care_experienced"],
        family_abroad=pending["family_abroad"],
        uasc=pending["uasc"],
    )


@bp.get("/")
def choose_council():
    return render_template(
        "refer/choose.html", organisations=self_referral.self_referral_organisations(db.session)
    )


@bp.route("/<slug>", methods=["GET", "POST"])
@limiter.limit(REFERRAL_LIMIT, methods=["POST"])
def questions(slug: str):
    organisation = _organisation_or_404(slug)
    form = QuestionsForm()
    asks = self_referral.asks_about(organisation)
    if form.is_submitted() and form.validate():
        session.pop(PENDING, None)
        born, today = form.born.date, referrals.today_for(organisation)
        if not self_referral.is_adult(born, today):
            return render_template("refer/under_18.html", organisation=organisation)
        answers = self_referral.SelfReferralAnswers(
            born=born,
            care_experienced=form.care_experienced.data == "yes",
            family_abroad="family_abroad" in asks and form.family_abroad.data,
            uasc="uasc" in asks and form.uasc.data,
        )
        result = self_referral.check_self_referral(organisation, answers, today)
        if result.result == NOT_ELIGIBLE:
            return render_template("refer/not_eligible.html", organisation=organisation, result=result)
        session[PENDING] = {
            "organisation": slug,
            "born": born.isoformat(),
            "care_experienced": answers.care_experienced,
            "family_abroad": answers.family_abroad,
            "uasc": answers.uasc,
        }
        return redirect(url_for("refer.contact", slug=slug), code=303)
    status = 400 if form.errors else 200
    return render_template("refer/questions.html", organisation=organisation, form=form, asks=asks), status


@bp.route("/<slug>/contact", methods=["GET", "POST"])
@limiter.limit(REFERRAL_LIMIT, methods=["POST"])
def contact(slug: str):
    organisation = _organisation_or_404(slug)
    pending = _pending(slug)
    if pending is None:
        return redirect(url_for("refer.questions", slug=slug), code=303)
    today = referrals.today_for(organisation)
    result = self_referral.check_self_referral(organisation, _answers(pending), today)
    form = ContactForm(data=pending.get("contact"))
    if form.is_submitted() and form.validate():
        pending["contact"] = {
            "name": form.name.data.strip(),
            "email": (form.email.data or "").strip() or None,
            "phone": (form.phone.data or "").strip() or None,
            "hopes": (form.hopes.data or "").strip() or None,
        }
        session[PENDING] = pending
        return redirect(url_for("refer.passkey", slug=slug), code=303)
    return render_template(
        "refer/contact.html",
        organisation=organisation,
        form=form,
        result=result,
        reply_by=referrals.reply_by(organisation, today),
    ), 400 if form.errors else 200


@bp.get("/<slug>/passkey")
def passkey(slug: str):
    organisation = _organisation_or_404(slug)
    pending = _pending(slug)
    if pending is None or "contact" not in pending:
        return redirect(url_for("refer.contact", slug=slug), code=303)
    browser_key()
    return render_template("refer/passkey.html", organisation=organisation, name=pending["contact"]["name"])


@bp.post("/<slug>/passkey/options")
@limiter.limit(REFERRAL_LIMIT)
def passkey_options(slug: str):
    _organisation_or_404(slug)
    pending = _pending(slug)
    if pending is None or "contact" not in pending:
        return {"error": _("Please start again: we lost your answers.")}, 400
    options = passkeys.registration_options(
        db.session, relying_party(), browser_key(), utcnow(), display_name=pending["contact"]["name"]
    )
    return options_response(options)


@bp.post("/<slug>/passkey/finish")
@limiter.limit(REFERRAL_LIMIT)
def passkey_finish(slug: str):
    organisation = _organisation_or_404(slug)
    pending = _pending(slug)
    if pending is None or "contact" not in pending:
        return {"error": _("Please start again: we lost your answers.")}, 400
    now = utcnow()
    try:
        verified = passkeys.verify_registration(
            db.session, relying_party(), browser_key(), credential_from_request(), now
        )
    except passkeys.PasskeyError as error:
        return refused(error, action="referral.passkey_failed")
    details = pending["contact"]
    contact_details = self_referral.Contact(
        name=details["name"],
        email=details["email"],
        phone=details["phone"],
        hopes=details["hopes"],
        language=current_language(),
    )
    try:
        young_person, _referral = self_referral.create_self_referral(
            db.session, organisation, _answers(pending), contact_details, now
        )
    except referrals.ReferralRefused:
        session.pop(PENDING, None)
        db.session.commit()  # the used-up challenge
        return {"error": _("Please start again: we lost your answers.")}, 400
    passkeys.save_passkey(db.session, young_person.account, verified, _("My first passkey"), now)
    sign_in(young_person.account, "new_passkey")  # also clears the answers from the cookie
    return finished(url_for("youth.home", welcome=1))


@bp.record_once
def _template_words(state) -> None:
    """The eligibility words are used by public and staff pages alike."""
    from app import eligibility_words

    for function in (
        eligibility_words.reason_words,
        eligibility_words.signpost_words,
        eligibility_words.age_words,
    ):
        state.app.add_template_global(function)
