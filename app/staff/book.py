"""The pages of a young person's journey book they chose to share with their coordinator."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from app.domain import consent, journey
from app.extensions import db
from app.models import utcnow
from app.staff import bp
from app.staff.lookup import young_person_or_404


@bp.get("/young-people/<public_id>/book")
def book(public_id: str):
    young_person = young_person_or_404(public_id)
    if current_user.id != young_person.coordinator_id:
        abort(403)  # the young person shares with their coordinator, not with everyone at the council
    state = consent.load_state(db.session, young_person)
    entries = journey.book(db.session, young_person, "memory")
    return render_template(
        "staff/book.html",
        young_person=young_person,
        entries=journey.shared_book(state, entries, journey.COORDINATOR, utcnow().date()),
    )
