"""What a supporter promised, and "I did it" / "I couldn't this time" / "We've moved it" in one tap.

Each POST is idempotent (a double tap or the offline queue's replay applies once). With htmx the
occurrence's card is swapped in place; without it the page reloads.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain import confirmations, occurrences, schedules
from app.extensions import db
from app.models import Commitment, ConfirmationOutcome, Plan, PlanStatus, utcnow
from app.supporters import bp
from app.web import htmx
from app.web.idempotency import idempotent, new_key

REFUSALS = {
    "closed": lambda: _("This one can't be changed now."),
    "future": lambda: _("The date can't be in the future."),
    "too_early": lambda: _("That date is too early for this one."),
    "moved_to_needed": lambda: _("Choose the new day: today or later."),
    "too_late": lambda: _("It's too late to undo this. Ask the coordinator if something is wrong."),
}
RECENT = timedelta(days=45)
SOON = timedelta(days=7)


def supporter_today() -> date:
    return schedules.today_in(current_user.timezone, utcnow())


NOTHING_YET = {"commitments": [], "open": [], "done": [], "next": {}}


def promises_of(members: list, today: date) -> dict[int, dict]:
    """For each young person this supporter helps (their places, by id): their commitments in the young
    person's active plan, what is open to confirm, what's done and what is next. Five queries in all,
    however many young people and however long the history."""
    if not members:
        return {}
    versions: dict[int, list[Plan]] = {}
    for plan in db.session.scalars(
        select(Plan)
        .options(selectinload(Plan.commitments).selectinload(Commitment.supporters))
        .where(Plan.young_person_id.in_({m.young_person_id for m in members}))
        .order_by(Plan.version.desc())
    ):
        versions.setdefault(plan.young_person_id, []).append(plan)
    mine = {}
    for member in members:
        # The plan in force: while a new version waits to start, the active one's promises still count.
        active = next(
            (p for p in versions.get(member.young_person_id, []) if p.status is PlanStatus.ACTIVE), None
        )
        mine[member.id] = [c for c in active.commitments if member in c.supporters] if active else []
    found: dict[int, list] = {}
    every = [c for commitments in mine.values() for c in commitments]
    for occurrence in occurrences.for_commitments(db.session, every, today - RECENT, today + SOON):
        found.setdefault(occurrence.commitment_id, []).append(occurrence)
    result = {}
    for member in members:
        if not mine[member.id]:
            result[member.id] = NOTHING_YET
            continue
        young_person = member.young_person
        theirs = sorted(
            (o for c in mine[member.id] for o in found.get(c.id, [])), key=lambda o: (o.due_on, o.id)
        )
        result[member.id] = {
            "commitments": mine[member.id],
            "open": [o for o in theirs if occurrences.open_to_confirm(o, today)],
            "done": [
                o
                for o in theirs
                if (latest := confirmations.latest(o)) and latest.outcome is ConfirmationOutcome.DONE
            ],
            "next": {
                c.id: schedules.next_due(
                    schedules.Schedule.from_commitment(c),
                    today,
                    born=young_person.date_of_birth,
                    leap_birthday=young_person.leap_birthday,
                )
                for c in mine[member.id]
            },
        }
    return result


def card_context(promise, today: date, error: str | None = None) -> dict:
    return {
        "occurrence": promise.occurrence,
        "member": promise.member,
        "name": promise.member.young_person.chosen_name,
        "latest": confirmations.latest(promise.occurrence),
        "today": today,
        "now": utcnow(),
        "may_undo": confirmations.may_undo,
        "open_to_confirm": occurrences.open_to_confirm(promise.occurrence, today),
        "key": new_key(),
        "error": REFUSALS[error]() if error else None,
    }


def _promise_or_404(public_id: str, today: date):
    promise = confirmations.promise_for(db.session, current_user, public_id, today)
    if promise is None:
        abort(404)
    return promise


def _date(name: str) -> date | None:
    """An optional date from the form; one that cannot be read counts as not given."""
    try:
        return date.fromisoformat((request.form.get(name) or "").strip())
    except ValueError:
        return None


def _answer(promise, today: date, error: str | None = None):
    target = f"occurrence-{promise.occurrence.public_id}"
    if htmx.wants_fragment(target):
        response = htmx.render(
            "supporters/_occurrence.html",
            "supporters/_occurrence.html",
            target,
            **card_context(promise, today, error),
        )
        if error:
            response.status_code = 400
        return response
    if error:
        flash(REFUSALS[error](), "error")
    return htmx.redirect(url_for("supporters.home") + f"#{target}")


@bp.post("/occurrences/<public_id>/confirm")
@idempotent
def confirm(public_id: str):
    today = supporter_today()
    promise = _promise_or_404(public_id, today)
    outcome = {
        "done": ConfirmationOutcome.DONE,
        "could_not": ConfirmationOutcome.COULD_NOT,
        "moved": ConfirmationOutcome.MOVED,
    }.get(request.form.get("outcome", "done"))
    if outcome is None:
        abort(400)
    try:
        confirmations.confirm(
            db.session,
            current_user,
            promise,
            outcome,
            today,
            utcnow(),
            happened_on=_date("happened_on"),
            moved_to=_date("moved_to"),
            note=request.form.get("note"),
        )
    except confirmations.ConfirmationRefused as refused:
        return _answer(promise, today, refused.reason)
    return _answer(promise, today)


@bp.post("/confirmations/<public_id>/undo")
@idempotent
def undo(public_id: str):
    today = supporter_today()
    promise = _promise_or_404(request.form.get("occurrence", ""), today)
    found = next((c for c in promise.occurrence.confirmations if c.public_id == public_id), None)
    if found is None:
        abort(404)
    try:
        confirmations.undo(db.session, current_user, found, today, utcnow())
    except confirmations.ConfirmationRefused as refused:
        return _answer(promise, today, refused.reason)
    return _answer(promise, today)
