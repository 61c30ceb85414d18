"""Fetching a young person for a staff page: their own organisation's, or 404."""

from flask import abort
from flask_login import current_user

from app.domain import permissions
from app.extensions import db


def young_person_or_404(public_id: str):
    young_person = permissions.young_person_for(db.session, current_user, public_id)
    if young_person is None:
        abort(404)
    return young_person
