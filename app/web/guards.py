"""One guard per blueprint: only the right kind of account gets past ``before_request``."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort
from flask_login import current_user

from app.extensions import login_manager


def require_roles(bp: Blueprint, allowed: Callable) -> None:
    """Send anonymous visitors to sign in; refuse signed-in accounts of another kind (403)."""

    @bp.before_request
    def guard():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not allowed(current_user.role):
            abort(403)
        return None
