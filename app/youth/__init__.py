"""The young person's own pages."""

from flask import Blueprint

from app.models import Role
from app.web.guards import require_roles

bp = Blueprint("youth", __name__, url_prefix="/me")
require_roles(bp, lambda role: role is Role.YOUNG_PERSON)

from app.youth import choices, people, plan, review_words, views  # noqa: E402, F401
