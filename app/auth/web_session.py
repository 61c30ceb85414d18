"""The web side of sessions: the cookie carries a random token; the server decides if it still counts."""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, redirect, session, url_for
from flask_login import login_user, logout_user

from app.domain import sessions
from app.domain.passkeys import RelyingParty
from app.extensions import db, login_manager
from app.models import Account, utcnow

SESSION_TOKEN = "sid"  # noqa: S105 - the cookie key, not a secret
BROWSER_KEY = "bk"


def relying_party() -> RelyingParty:
    config = current_app.config
    return RelyingParty(id=config["RP_ID"], name=config["RP_NAME"], origin=config["BASE_URL"])


def browser_key() -> str:
    """A random key for this browser, so a challenge only counts where it was issued."""
    if BROWSER_KEY not in session:
        session[BROWSER_KEY] = secrets.token_urlsafe(24)
    return session[BROWSER_KEY]


def sign_in(account: Account, method: str) -> None:
    """Start a new server-side session (a new id on every sign-in) and remember it in the cookie."""
    session.clear()
    g.pop("csrf_token", None)  # a token cached for this request belonged to the cleared session
    token = sessions.start_session(db.session, account, method, utcnow())
    session[SESSION_TOKEN] = token
    session.permanent = True
    login_user(account)
    g.user_session = None


def sign_out() -> None:
    user_session = current_user_session()
    if user_session is not None:
        sessions.end_session(db.session, user_session, utcnow())
    logout_user()
    session.clear()


def current_user_session():
    return g.get("user_session")


def is_fresh() -> bool:
    user_session = current_user_session()
    return user_session is not None and sessions.is_fresh(user_session, utcnow())


def confirm_unless_fresh(next_url: str):
    """None after a sign-in in the last few minutes; otherwise the way to confirm it's them, then back."""
    if is_fresh():
        return None
    return redirect(url_for("auth.confirm", next=next_url), code=303)


def load_account(public_id: str) -> Account | None:
    now = utcnow()
    user_session = sessions.find_session(db.session, session.get(SESSION_TOKEN), now)
    if user_session is None or user_session.account.public_id != public_id:
        return None
    if sessions.needs_touch(user_session, now):
        with db.writing() as writer:
            sessions.touch(writer, user_session.id, now)
    g.user_session = user_session
    return user_session.account


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_account)
    login_manager.login_view = "auth.sign_in_page"

    @login_manager.unauthorized_handler
    def unauthorized():
        from app.web import htmx

        return htmx.redirect(url_for("auth.sign_in_page"))
