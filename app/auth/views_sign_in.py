"""Signing in with a passkey, and signing out."""

from __future__ import annotations

from flask import current_app, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.auth import bp
from app.auth.passkey_http import credential_from_request, finished, options_response, refused
from app.auth.web_session import browser_key, relying_party, sign_in, sign_out
from app.domain import passkeys, sessions
from app.extensions import db, limiter
from app.models import Role, utcnow


def SIGN_IN_LIMIT() -> str:
    return current_app.config["RATE_LIMIT_SIGN_IN"]


def home_for(account) -> str:
    if account.role is Role.YOUNG_PERSON:
        return url_for("youth.home")
    if account.role is Role.SUPPORTER:
        return url_for("supporters.home")
    return url_for("staff.home")


@bp.get("/sign-in")
def sign_in_page():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    browser_key()  # in the cookie before any passkey request, so parallel requests agree on it
    return render_template("auth/sign_in.html")


@bp.post("/sign-in/options")
@limiter.limit(SIGN_IN_LIMIT)
def sign_in_options():
    return options_response(
        passkeys.authentication_options(db.session, relying_party(), browser_key(), utcnow())
    )


@bp.post("/sign-in/finish")
@limiter.limit(SIGN_IN_LIMIT)
def sign_in_finish():
    try:
        passkey = passkeys.verify_authentication(
            db.session, relying_party(), browser_key(), credential_from_request(), utcnow()
        )
    except passkeys.PasskeyError as error:
        return refused(error, action="sign_in.failed")
    sign_in(passkey.account, "passkey")
    return finished(home_for(passkey.account))


@bp.post("/sign-out")
@login_required
def sign_out_here():
    sign_out()
    db.session.commit()
    return _signed_out()


@bp.post("/sign-out/everywhere")
@login_required
def sign_out_everywhere():
    account = current_user._get_current_object()
    sessions.end_all_sessions(db.session, account, utcnow(), reason="asked")
    sign_out()
    db.session.commit()
    return _signed_out()


def _signed_out():
    response = make_response(redirect(url_for("auth.signed_out"), code=303))
    # Nothing of the signed-in pages may stay on a shared phone.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.get("/signed-out")
def signed_out():
    return render_template("auth/signed_out.html")
