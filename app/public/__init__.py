"""Public pages: the start page, ways in, the language switch, and the installable app's files."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import views  # noqa: E402, F401
