"""My people (circles and a list), suggesting someone, and what I want from Lifelong Links."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.auth.emails import queue_suggestion_alert
from app.domain import circles, consent, network, objectives, permissions
from app.extensions import db
from app.models import MemberKind, utcnow
from app.youth import bp
from app.youth.choices import me


class SuggestForm(FlaskForm):
    name = StringField(
        _l("Who would you like to find?"),
        validators=[DataRequired(message=_l("Tell us a name, or who they are")), Length(max=120)],
    )
    remembered = TextAreaField(
        _l("What do you remember about them? (you don't have to say)"), validators=[Length(max=2000)]
    )


class WishForm(FlaskForm):
    text = StringField(
        _l("What would you like?"),
        validators=[DataRequired(message=_l("Write what you would like")), Length(max=objectives.MAX_LENGTH)],
    )


@bp.get("/people")
def people():
    young_person = me()
    state = consent.load_state(db.session, young_person)
    shown = permissions.people_shown_to_young_person(young_person)
    rows = [(member, network.taking_part(state, member)) for member in shown]
    rows.sort(key=lambda row: row[0].circle or len(circles.RADII) + 1)  # closest first, not placed last
    placed = circles.place(
        [(m.public_id, m.name, m.circle, part, m.kind is MemberKind.PET) for m, part in rows]
    )
    return render_template(
        "youth/people.html", rows=rows, placed=placed, size=circles.SIZE, radii=circles.RADII
    )


@bp.route("/people/suggest", methods=["GET", "POST"])
def suggest():
    young_person = me()
    form = SuggestForm()
    if form.is_submitted() and form.validate():
        network.suggest_person(db.session, young_person, current_user, form.name.data, form.remembered.data)
        queue_suggestion_alert(db.session, young_person)
        db.session.commit()
        flash(_("Thank you. Your coordinator will talk with you about it."), "success")
        return redirect(url_for("youth.people"), code=303)
    return render_template("youth/suggest.html", form=form), 400 if form.errors else 200


@bp.route("/wishes", methods=["GET", "POST"])
def wishes():
    young_person = me()
    form = WishForm()
    if form.is_submitted() and form.validate():
        objectives.add(db.session, young_person, form.text.data)
        db.session.commit()
        flash(_("Added."), "success")
        return redirect(url_for("youth.wishes"), code=303)
    return render_template(
        "youth/wishes.html", young_person=young_person, form=form
    ), 400 if form.errors else 200


@bp.route("/wishes/<public_id>", methods=["GET", "POST"])
def wish(public_id: str):
    young_person = me()
    objective = objectives.own_objective(db.session, young_person, public_id)
    if objective is None:
        abort(404)
    form = WishForm(obj=objective)
    if form.is_submitted() and form.validate():
        objectives.change(objective, form.text.data)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("youth.wishes"), code=303)
    return render_template("youth/wish.html", objective=objective, form=form), 400 if form.errors else 200


@bp.post("/wishes/<public_id>/done")
def wish_done(public_id: str):
    young_person = me()
    objective = objectives.own_objective(db.session, young_person, public_id)
    if objective is None:
        abort(404)
    objectives.mark(objective, request.form.get("done") == "yes", utcnow())
    db.session.commit()
    return redirect(url_for("youth.wishes"), code=303)
