"""Managing your passkeys: list, rename, remove, add another. Changes need a fresh sign-in (≤ 5 minutes)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.auth import bp, emails
from app.auth.passkey_http import credential_from_request, finished, options_response, refused
from app.auth.web_session import (
    browser_key,
    confirm_unless_fresh,
    current_user_session,
    is_fresh,
    relying_party,
)
from app.domain import audit, passkeys, sessions
from app.extensions import db
from app.models import AuditEvent, Passkey, utcnow
from app.web.urls import safe_next

SECURITY_ACTIONS = ("passkey.added", "passkey.removed", "sign_out_everywhere")


def recent_security_changes(session, account, limit: int = 5) -> list[AuditEvent]:
    """What changed on this account lately: shown on the passkeys page, so no change goes unseen."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.actor_account_id == account.id, AuditEvent.action.in_(SECURITY_ACTIONS))
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )


class RenameForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Give the passkey a name")), Length(max=60)]
    )


def _own_passkey(public_id: str) -> Passkey:
    passkey = db.session.scalar(
        select(Passkey).where(Passkey.public_id == public_id, Passkey.account_id == current_user.id)
    )
    if passkey is None:
        abort(404)
    return passkey


@bp.get("/account/passkeys", endpoint="passkeys")
@login_required
def passkeys_page():
    browser_key()
    return render_template(
        "auth/passkeys.html",
        passkeys=current_user.passkeys,
        changes=recent_security_changes(db.session, current_user),
        recovered=request.args.get("recovered") == "1",
        fresh=is_fresh(),
        rename_form=RenameForm(),
    )


@bp.post("/account/passkeys/<public_id>/rename")
@login_required
def rename_passkey(public_id: str):
    passkey = _own_passkey(public_id)
    form = RenameForm()
    if not form.validate():
        flash(_("Give the passkey a name"), "error")
        return redirect(url_for("auth.passkeys"), code=303)
    passkey.name = form.name.data.strip()
    audit.record(
        db.session, current_user, "passkey.renamed", object_type="passkey", object_public_id=public_id
    )
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("auth.passkeys"), code=303)


@bp.post("/account/passkeys/<public_id>/remove")
@login_required
def remove_passkey(public_id: str):
    passkey = _own_passkey(public_id)
    if (response := confirm_unless_fresh(url_for("auth.passkeys"))) is not None:
        return response
    account = current_user._get_current_object()
    if len(account.passkeys) == 1 and request.form.get("confirm_last") != "yes":
        return render_template("auth/remove_last_passkey.html", passkey=passkey), 409
    db.session.delete(passkey)
    audit.record(db.session, account, "passkey.removed", object_type="passkey", object_public_id=public_id)
    # A removed passkey must not leave other devices signed in.
    sessions.end_all_sessions(
        db.session, account, utcnow(), reason="passkey_removed", keep=current_user_session()
    )
    emails.passkey_changed(db.session, account, added=False, name=passkey.name)
    db.session.commit()
    flash(_("The passkey was removed."), "success")
    return redirect(url_for("auth.passkeys"), code=303)


@bp.post("/account/passkeys/options")
@login_required
def add_passkey_options():
    if not is_fresh():
        return {"error": _("Please confirm it's you first."), "redirect": url_for("auth.confirm")}, 403
    account = current_user._get_current_object()
    options = passkeys.registration_options(
        db.session,
        relying_party(),
        browser_key(),
        utcnow(),
        display_name=account.display_name,
        account=account,
    )
    return options_response(options)


@bp.post("/account/passkeys/finish")
@login_required
def add_passkey_finish():
    if not is_fresh():
        abort(403)
    account = current_user._get_current_object()
    now = utcnow()
    try:
        verified = passkeys.verify_registration(
            db.session, relying_party(), browser_key(), credential_from_request(), now
        )
        name = _("Passkey %(number)d", number=len(account.passkeys) + 1)
        passkeys.save_passkey(db.session, account, verified, name, now)
    except passkeys.PasskeyError as error:
        return refused(error, actor=account)
    emails.passkey_changed(db.session, account, added=True, name=name)
    return finished(url_for("auth.passkeys"))


@bp.get("/account/confirm")
@login_required
def confirm():
    browser_key()
    return render_template(
        "auth/confirm.html", next_url=safe_next(request.args.get("next"), url_for("auth.passkeys"))
    )


@bp.post("/account/confirm/options")
@login_required
def confirm_options():
    account = current_user._get_current_object()
    return options_response(
        passkeys.authentication_options(db.session, relying_party(), browser_key(), utcnow(), account=account)
    )


@bp.post("/account/confirm/finish")
@login_required
def confirm_finish():
    account = current_user._get_current_object()
    now = utcnow()
    try:
        passkey = passkeys.verify_authentication(
            db.session, relying_party(), browser_key(), credential_from_request(), now
        )
    except passkeys.PasskeyError as error:
        return refused(error, actor=account)
    if passkey.account_id != account.id:
        return refused(passkeys.PasskeyError("wrong_account"), actor=account)
    sessions.mark_fresh(current_user_session(), now)
    return finished(safe_next(request.args.get("next"), url_for("auth.passkeys")))
