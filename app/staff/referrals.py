"""Staff referrals, the triage queue, one referral's page, and trying the eligibility policy."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.domain import permissions, referrals
from app.domain.eligibility import age_on
from app.extensions import db
from app.models import utcnow
from app.staff import bp
from app.staff.referral_forms import (
    LEGAL_STATUS_CHOICES,
    PLAN_CHOICES,
    AcceptForm,
    CloseForm,
    OverrideForm,
    PolicyTryForm,
    StaffReferralForm,
)


def _referral_or_404(public_id: str):
    referral = permissions.referral_for(db.session, current_user, public_id)
    if referral is None:
        abort(404)
    return referral


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


@bp.get("/referrals")
def referrals_list():
    today = referrals.today_for(current_user.organisation)
    return render_template(
        "staff/referrals.html",
        queue=referrals.triage_queue(db.session, current_user),
        made=referrals.referrals_made_by(db.session, current_user),
        may_triage=referrals.may_triage(current_user),
        may_refer=referrals.may_refer(current_user),
        today=today,
        age_on=age_on,
        waiting_days=referrals.waiting_days,
    )


@bp.route("/referrals/new", methods=["GET", "POST"])
def new_referral():
    _require(referrals.may_refer(current_user))
    form = StaffReferralForm()
    form.on_date = referrals.today_for(current_user.organisation)
    if form.is_submitted() and form.validate():
        child = referrals.ReferredChild(
            chosen_name=form.chosen_name.data.strip(),
            legal_name=(form.legal_name.data or "").strip() or None,
            pr_holder=(form.pr_holder.data or "").strip() or None,
            reason=form.reason.data.strip(),
        )
        referral = referrals.create_staff_referral(db.session, current_user, child, form.facts())
        db.session.commit()
        flash(_("Referral saved. Here is what the policy says."), "success")
        return redirect(url_for("staff.referral", public_id=referral.public_id), code=303)
    return render_template("staff/referral_new.html", form=form), 400 if form.errors else 200


def _render_referral(referral, status=200, **forms):
    accept_form = forms.get("accept_form") or AcceptForm()
    choices = referrals.coordinators(db.session, referral.organisation)
    accept_form.coordinator.choices = [
        SelectChoice(account.public_id, account.display_name) for account in choices
    ]
    if accept_form.coordinator.data is None and current_user in choices:
        accept_form.coordinator.data = current_user.public_id
    today = referrals.today_for(referral.organisation)
    return render_template(
        "staff/referral.html",
        referral=referral,
        reasons=referrals.reasons_of(referral),
        age=age_on(referral.young_person.date_of_birth, today),
        waiting_days=referrals.waiting_days(referral, today),
        may_triage=referrals.may_triage(current_user),
        may_override=referrals.may_refer(current_user) or referrals.may_triage(current_user),
        override_form=forms.get("override_form") or OverrideForm(),
        accept_form=accept_form,
        close_form=forms.get("close_form") or CloseForm(),
        legal_status_labels={choice.value: choice.label for choice in LEGAL_STATUS_CHOICES},
        plan_labels={choice.value: choice.label for choice in PLAN_CHOICES},
    ), status


@bp.get("/referrals/<public_id>")
def referral(public_id: str):
    return _render_referral(_referral_or_404(public_id))


def _decided(referral, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("staff.referral", public_id=referral.public_id), code=303)


@bp.post("/referrals/<public_id>/override")
def override_referral(public_id: str):
    referral = _referral_or_404(public_id)
    _require(referrals.may_refer(current_user) or referrals.may_triage(current_user))
    form = OverrideForm()
    if not form.validate():
        return _render_referral(referral, 400, override_form=form)
    try:
        referrals.override(
            db.session, current_user, referral, form.decision.data, form.override_reason.data, utcnow()
        )
    except referrals.ReferralRefused as refused:
        abort(403 if refused.reason == "not_allowed" else 409)
    return _decided(referral, _("Your decision is saved."))


@bp.post("/referrals/<public_id>/accept")
def accept_referral(public_id: str):
    referral = _referral_or_404(public_id)
    _require(referrals.may_triage(current_user))
    form = AcceptForm()
    coordinators = {a.public_id: a for a in referrals.coordinators(db.session, referral.organisation)}
    form.coordinator.choices = list(coordinators)
    if not form.validate():
        return _render_referral(referral, 400, accept_form=form)
    try:
        referrals.accept(db.session, current_user, referral, coordinators[form.coordinator.data], utcnow())
    except referrals.ReferralRefused:
        abort(409)
    return _decided(referral, _("Accepted. The young person's record now waits for consent."))


@bp.post("/referrals/<public_id>/close")
def close_referral(public_id: str):
    referral = _referral_or_404(public_id)
    _require(referrals.may_triage(current_user))
    form = CloseForm()
    if not form.validate():
        return _render_referral(referral, 400, close_form=form)
    try:
        referrals.close(db.session, current_user, referral, form.close_reason.data, utcnow())
    except referrals.ReferralRefused:
        abort(409)
    return _decided(referral, _("The referral is closed. The referrer can read your reason."))


@bp.route("/eligibility", methods=["GET", "POST"])
def try_policy():
    _require(referrals.may_try_policy(current_user))
    organisation = current_user.organisation
    form = PolicyTryForm()
    form.on_date = referrals.today_for(organisation)
    result = None
    if form.is_submitted() and form.validate():
        result = referrals.check_facts(organisation, form.facts(self_referral=form.self_referral.data))
    policy = referrals.policy_of(organisation)
    return render_template(
        "staff/try_policy.html", form=form, result=result, policy=policy, organisation=organisation
    ), 400 if form.errors else 200
