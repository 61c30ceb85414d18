"""The young person's own pages."""

from flask import Blueprint

from app.models import Role
from app.web.guards import require_roles

bp = Blueprint("youth", __name__, url_prefix="/me")
require_roles(bp, lambda role: role is Role.YOUNG_PERSON)

from app.youth import (  # noqa: E402, F401
    book,
    book_sharing,
    choices,
    close_account,
    download,
    people,
    plan,
    print_book,
    review_words,
    views,
)
