"""Places in the young person's story (mobility mapping), reviews, and the network's size over time."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.domain import network, permissions, plans, reviews
from app.extensions import db
from app.models import ReviewKind
from app.plan_words import sentence
from app.staff import bp
from app.staff.lookup import young_person_or_404
from app.web.forms import Checkboxes, DateText

YEAR = [Optional(), NumberRange(min=1900, max=2200, message=_l("Enter a year, for example 2015"))]


class PlaceForm(FlaskForm):
    name = StringField(_l("Place"), validators=[DataRequired(message=_l("Enter the place")), Length(max=200)])
    from_year = IntegerField(_l("From (year)"), validators=YEAR)
    to_year = IntegerField(_l("Until (year)"), validators=YEAR)
    note = TextAreaField(_l("What the young person remembers"), validators=[Optional(), Length(max=2000)])
    people = Checkboxes(_l("Who was there"), choices=[])


class ReviewForm(FlaskForm):
    kind = SelectField(
        _l("Kind of review"),
        choices=[
            SelectChoice(ReviewKind.CONFERENCE_REVIEW.value, _l("Conference review")),
            SelectChoice(ReviewKind.LOOKED_AFTER_REVIEW.value, _l("Looked-after review (IRO)")),
        ],
    )
    due_on = DateText(_l("Date"), validators=[InputRequired(message=_l("Enter the date"))])


class HoldReviewForm(FlaskForm):
    held_on = DateText(_l("Held on"), validators=[InputRequired(message=_l("Enter the date"))])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=8000)])


def _place_form(young_person) -> PlaceForm:
    form = PlaceForm()
    form.people.choices = [SelectChoice(m.public_id, m.name) for m in young_person.network]
    return form


@bp.route("/young-people/<public_id>/places", methods=["GET", "POST"])
def places(public_id: str):
    young_person = young_person_or_404(public_id)
    form = _place_form(young_person)
    if form.is_submitted():
        if not network.may_edit(current_user, young_person):
            abort(403)
        if form.validate():
            chosen = [m for m in young_person.network if m.public_id in set(form.people.data or [])]
            try:
                network.add_place(
                    db.session,
                    current_user,
                    young_person,
                    form.name.data,
                    (form.from_year.data, form.to_year.data),
                    form.note.data,
                    chosen,
                )
                db.session.commit()
                flash(_("The place is added."), "success")
                return redirect(url_for("staff.places", public_id=public_id), code=303)
            except network.NetworkRefused:
                form.to_year.errors = [*form.to_year.errors, _("The second year can't be before the first")]
    return render_template(
        "staff/places.html",
        young_person=young_person,
        places=network.places_of(db.session, young_person),
        form=form,
        may_edit=network.may_edit(current_user, young_person),
    ), 400 if form.errors else 200


@bp.post("/places/<public_id>/remove")
def remove_place(public_id: str):
    place = permissions.place_for(db.session, current_user, public_id)
    if place is None:
        abort(404)
    young_person = place.young_person
    try:
        network.remove_place(db.session, current_user, place, young_person)
    except network.NetworkRefused:
        abort(403)
    db.session.commit()
    return redirect(url_for("staff.places", public_id=young_person.public_id), code=303)


@bp.route("/young-people/<public_id>/reviews", methods=["GET", "POST"])
def reviews_page(public_id: str):
    young_person = young_person_or_404(public_id)
    form = ReviewForm()
    if form.is_submitted() and form.validate():
        try:
            reviews.schedule_review(
                db.session, current_user, young_person, ReviewKind(form.kind.data), form.due_on.date
            )
        except reviews.ReviewRefused:
            abort(403)
        db.session.commit()
        flash(_("The review is on the calendar."), "success")
        return redirect(url_for("staff.reviews_page", public_id=public_id), code=303)
    return render_template(
        "staff/reviews.html",
        young_person=young_person,
        reviews=reviews.reviews_of(db.session, young_person),
        snapshots=network.snapshots(db.session, young_person),
        form=form,
    ), 400 if form.errors else 200


@bp.route("/reviews/<public_id>", methods=["GET", "POST"])
def review(public_id: str):
    found = permissions.review_for(db.session, current_user, public_id)
    if found is None:
        abort(404)
    young_person = found.young_person
    versions = plans.plans_of(db.session, young_person)
    active = next((p for p in versions if p.status.value == "active"), None) or found.plan
    earlier = [
        r.held_on for r in reviews.reviews_of(db.session, young_person) if r.held_on and r.id != found.id
    ]
    since = max([d for d in earlier if d < found.due_on], default=active.conference_on if active else None)
    until = found.held_on or date.today()
    record = reviews.plan_record(db.session, active, since or date.min, until) if active else {}
    form = HoldReviewForm(data={"held_on": date.today().isoformat()})
    if form.is_submitted() and form.validate():
        try:
            reviews.hold_review(db.session, current_user, found, form.held_on.date, form.notes.data)
        except reviews.ReviewRefused as refused:
            abort(403 if refused.reason == "not_allowed" else 409)
        db.session.commit()
        flash(_("The review is saved, with the network's size today."), "success")
        return redirect(url_for("staff.review", public_id=public_id), code=303)
    return render_template(
        "staff/review.html",
        review=found,
        young_person=young_person,
        plan=active,
        record=record,
        since=since,
        until=until,
        sentence=sentence,
        form=form,
    ), 400 if form.errors else 200
