"""Plan health, per young person and for the whole service, and the printable review report.

For coordinators, social workers, IROs and managers of the young person's own organisation. Kept, missed
and disputed are counted as ``app.domain.plan_health`` says; nothing here is shown to the young person.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from app.domain import permissions, plan_health
from app.domain.plan_health import PeriodChoice
from app.domain.schedules import today_in
from app.extensions import db
from app.models import utcnow
from app.plan_words import kind_label, sentence
from app.staff import bp
from app.staff.lookup import young_person_or_404


def _reader_only() -> None:
    if not plan_health.may_read(current_user):
        abort(403)


def _period_choice() -> PeriodChoice:
    try:
        return PeriodChoice(request.args.get("period", PeriodChoice.LAST_3_MONTHS.value))
    except ValueError:
        return PeriodChoice.LAST_3_MONTHS


def _today():
    return today_in(current_user.timezone, utcnow())


@bp.get("/health")
def organisation_health():
    _reader_only()
    choice = _period_choice()
    today = _today()
    return render_template(
        "staff/health_organisation.html",
        rows=plan_health.organisation_health(db.session, current_user.organisation_id, choice, today),
        choice=choice,
        since=plan_health.months_before(today, plan_health.DEFAULT_MONTHS),
        until=today,
    )


@bp.get("/young-people/<public_id>/health")
def young_person_health(public_id: str):
    _reader_only()
    young_person = young_person_or_404(public_id)
    health = plan_health.health_of(db.session, young_person, _period_choice(), _today())
    return render_template(
        "staff/health.html",
        young_person=young_person,
        health=health,
        choice=health.period.choice,
        sentence=sentence,
        kind_label=kind_label,
    )


@bp.get("/reviews/<public_id>/report")
def review_report(public_id: str):
    _reader_only()
    review = permissions.review_for(db.session, current_user, public_id)
    if review is None:
        abort(404)
    return render_template(
        "staff/review_report.html",
        report=plan_health.review_report(db.session, review, _today()),
        sentence=sentence,
    )
