"""The JSON side of passkey ceremonies, shared by sign-in, invitations, recovery and "add a passkey"."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from app.domain import audit
from app.domain.passkeys import PasskeyError
from app.extensions import db

# What a person is told; the precise reason only goes to the audit log.
MESSAGES = {
    "expired_challenge": lambda: _("That took a little too long. Please try again."),
    "unknown_credential": lambda: _(
        "We don't know that passkey. Try another one, or ask your coordinator for help."
    ),
    "wrong_account": lambda: _("That passkey belongs to someone else. Try another one."),
    "credential_exists": lambda: _("That passkey is already saved."),
}


def credential_from_request() -> str:
    """The browser's ``credential.toJSON()``, as sent by our script."""
    return request.get_data(as_text=True)


def refused(error: PasskeyError, actor=None, action: str = "passkey.failed"):
    """Record the failure (and the used-up challenge) and answer kindly."""
    audit.record(db.session, actor, action, detail={"reason": error.reason})
    db.session.commit()
    message = MESSAGES.get(error.reason, lambda: _("Your phone didn't confirm it's you. Try again."))()
    return jsonify(error=message), 400


def options_response(options_json: str):
    """Commit the stored challenge and send the options to the browser."""
    db.session.commit()
    response = current_app.response_class(options_json, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def finished(redirect_to: str):
    db.session.commit()
    response = jsonify(redirect=redirect_to)
    response.headers["Cache-Control"] = "no-store"
    return response
