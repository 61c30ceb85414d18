"""My plan: who agreed to do what, what is coming next, and what has happened."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, render_template, request, url_for
from sqlalchemy import func, select

from app.domain import confirmations, plans, schedules
from app.extensions import db
from app.models import Occurrence, OccurrenceStatus, utcnow
from app.plan_words import sentence
from app.web import htmx
from app.web.idempotency import idempotent, new_key
from app.youth import bp
from app.youth.choices import me

ANSWER_WITHIN = timedelta(days=60)


@bp.get("/plan")
def plan():
    young_person = me()
    shown = plans.shown_plan(plans.plans_of(db.session, young_person))
    today = schedules.today_in(young_person.timezone, utcnow())
    rows = []
    if shown is not None:
        last_kept = dict(
            db.session.execute(
                select(Occurrence.commitment_id, func.max(Occurrence.due_on))
                .where(
                    Occurrence.commitment_id.in_([c.id for c in shown.commitments]),
                    Occurrence.status == OccurrenceStatus.KEPT,
                )
                .group_by(Occurrence.commitment_id)
            ).all()
        )
        for commitment in shown.commitments:
            coming = schedules.next_due(
                schedules.Schedule.from_commitment(commitment),
                today,
                born=young_person.date_of_birth,
                leap_birthday=young_person.leap_birthday,
            )
            rows.append(
                (
                    commitment,
                    sentence(commitment, for_young_person=True),
                    coming,
                    last_kept.get(commitment.id),
                )
            )
        rows.sort(key=lambda row: (row[2] is None, row[2].due_on if row[2] else today))
    answers = confirmations.to_answer(db.session, young_person, today - ANSWER_WITHIN)
    return render_template(
        "youth/plan.html",
        plan=shown,
        rows=rows,
        today=today,
        answers=answers,
        key=new_key(),
        sentence_for=lambda c: sentence(c.occurrence.commitment, for_young_person=True),
    )


@bp.post("/confirmations/<public_id>/answer")
@idempotent
def answer(public_id: str):
    """ "Yes, that happened" or "That didn't happen": a gentle answer; only the coordinator sees a no."""
    young_person = me()
    found = confirmations.own_confirmation(db.session, young_person, public_id)
    if found is None or request.form.get("happened") not in ("yes", "no"):
        abort(404 if found is None else 400)
    try:
        confirmations.acknowledge(
            db.session, young_person, found, request.form["happened"] == "yes", utcnow()
        )
    except confirmations.ConfirmationRefused:
        abort(409)
    return htmx.redirect(url_for("youth.plan"))
