"""Signing in without passwords: passkeys, invitations, sign-in links, recovery, sign-out."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import views_account, views_invitations, views_links, views_sign_in  # noqa: E402, F401
