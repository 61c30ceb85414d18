"""Supporters' pages: family and friends who promised to stay in touch."""

from flask import Blueprint

from app.models import Role
from app.web.guards import require_roles

bp = Blueprint("supporters", __name__, url_prefix="/supporting")
require_roles(bp, lambda role: role is Role.SUPPORTER)

from app.supporters import book, calendar, promises, reminders, views  # noqa: E402, F401
