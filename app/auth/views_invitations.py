"""Accepting an invitation: create a passkey (young people, staff, recovery) or give the code (supporters).

A GET of the link never uses it up (mail scanners open links); only a successful POST does.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.auth import bp
from app.auth.passkey_http import credential_from_request, finished, options_response, refused
from app.auth.views_sign_in import home_for
from app.auth.web_session import browser_key, relying_party, sign_in
from app.domain import invitations, passkeys
from app.extensions import db, limiter
from app.models import InvitationKind, utcnow

INVITATION_LIMIT = "20 per minute"
PENDING_NAME = "pending_name"


class NameForm(FlaskForm):
    display_name = StringField(
        _l("What should we call you?"),
        validators=[DataRequired(message=_l("Tell us what to call you")), Length(max=60)],
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Your code"), validators=[DataRequired(message=_l("Type the code from your e-mail"))]
    )


def _open_invitation(token: str):
    invitation = invitations.find_open(db.session, token, utcnow())
    if invitation is None:
        abort(410)
    return invitation


@bp.get("/invitation/<token>")
def invitation(token: str):
    found = _open_invitation(token)
    if found.kind is InvitationKind.SUPPORTER:
        return render_template(
            "auth/invitation_supporter.html", invitation=found, form=CodeForm(), token=token
        )
    form = NameForm(data={"display_name": found.display_name})
    browser_key()
    return render_template("auth/invitation_passkey.html", invitation=found, form=form, token=token)


@bp.post("/invitation/<token>/options")
@limiter.limit(INVITATION_LIMIT)
def invitation_options(token: str):
    found = _open_invitation(token)
    if found.kind is InvitationKind.SUPPORTER:
        abort(404)
    form = NameForm()
    if not form.validate():
        return {"error": _("Tell us what to call you")}, 400
    account = found.account if found.kind is InvitationKind.RECOVERY else None
    session[PENDING_NAME] = form.display_name.data.strip()
    options = passkeys.registration_options(
        db.session,
        relying_party(),
        browser_key(),
        utcnow(),
        display_name=form.display_name.data,
        account=account,
    )
    return options_response(options)


@bp.post("/invitation/<token>/finish")
@limiter.limit(INVITATION_LIMIT)
def invitation_finish(token: str):
    found = _open_invitation(token)
    now = utcnow()
    try:
        verified = passkeys.verify_registration(
            db.session, relying_party(), browser_key(), credential_from_request(), now
        )
    except passkeys.PasskeyError as error:
        return refused(error, action="invitation.passkey_failed")
    if not invitations.use_up(db.session, found, now):
        abort(410)
    display_name = session.pop(PENDING_NAME, None) or found.display_name
    account = invitations.create_account(db.session, found, display_name)
    passkeys.save_passkey(db.session, account, verified, _("My first passkey"), now)
    sign_in(account, "new_passkey")
    if found.kind is InvitationKind.RECOVERY:
        return finished(url_for("auth.passkeys", recovered=1))
    return finished(home_for(account))


@bp.post("/invitation/<token>/code")
@limiter.limit(INVITATION_LIMIT)
def invitation_code(token: str):
    found = _open_invitation(token)
    if found.kind is not InvitationKind.SUPPORTER:
        abort(404)
    form = CodeForm()
    now = utcnow()
    if form.validate() and invitations.check_code(db.session, found, form.code.data, now):
        if not invitations.use_up(db.session, found, now):
            abort(410)
        account = invitations.create_account(db.session, found, found.display_name)
        sign_in(account, "invitation")
        db.session.commit()
        flash(_("Welcome! You're signed in."), "success")
        return redirect(home_for(account), code=303)
    if form.code.data:
        form.code.errors = [
            _("That code doesn't match. Check the e-mail, or ask the coordinator who called you.")
        ]
    db.session.commit()  # keeps the count of wrong tries
    return render_template("auth/invitation_supporter.html", invitation=found, form=form, token=token), 400
