"""The plan builder: start a plan, the conference, commitments, agreeing, starting and carrying forward."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.domain import consent, permissions, plans, schedules
from app.extensions import db
from app.models import CommitmentKind, ScheduleKind
from app.plan_words import sentence
from app.staff import bp
from app.staff.lookup import young_person_or_404
from app.staff.plan_forms import NOT_A_SUPPORTER, CommitmentForm, ConferenceForm, ReviewDateForm

REFUSALS = {
    "not_allowed": lambda: _("Only the young person's coordinator or social worker can change the plan."),
    "not_a_draft": lambda: _("This version is agreed. Start a new version to change it."),
    "draft_exists": lambda: _("There is already a version being worked on."),
    "no_supporter": lambda: _("Choose at least one person"),
    "not_a_supporter": lambda: str(NOT_A_SUPPORTER),
    "no_commitments": lambda: _("Add at least one commitment first."),
    "no_conference": lambda: _("Record the conference first."),
    "not_a_social_worker": lambda: _("Only a social worker can agree the plan."),
    "not_agreed_at_conference": lambda: _("The plan must be agreed at the conference first."),
    "not_agreed_by_social_worker": lambda: _("The social worker must agree the plan first."),
}


SCHEDULE_PROBLEMS = {
    "needs_start": lambda: _("Choose the date (or the first date)."),
    "ends_before_start": lambda: _("The last date can't be before the first date."),
    "interval": lambda: _("Choose how many weeks (1 to 52) or months (1 to 24) apart."),
    "window": lambda: _("The days before and after must be numbers from 0 to 366."),
    "invalid": lambda: _("Check the dates and numbers for when it happens."),
}


def _refused(error: plans.PlanRefused):
    if error.reason == "not_allowed":
        abort(403)
    flash(REFUSALS.get(error.reason, lambda: error.reason)(), "error")


def _require_planner() -> None:
    """Only coordinators and social workers change plans (checked before any form is read)."""
    if current_user.role not in plans.PLANNERS:
        abort(403)


def _plan_or_404(public_id: str):
    plan = permissions.plan_for(db.session, current_user, public_id)
    if plan is None:
        abort(404)
    return plan


def _commitment_or_404(public_id: str):
    commitment = permissions.commitment_for(db.session, current_user, public_id)
    if commitment is None:
        abort(404)
    return commitment


def _back(young_person):
    return redirect(url_for("staff.plan", public_id=young_person.public_id), code=303)


def _commitment_form(young_person, state, **kwargs) -> CommitmentForm:
    form = CommitmentForm(**kwargs)
    form.supporters.choices = [
        SelectChoice(member.public_id, member.name)
        for member in young_person.network
        if plans.may_support(state, member)
    ]
    return form


def render_plan(young_person, status=200, **forms):
    versions = plans.plans_of(db.session, young_person)
    working = plans.working_plan(versions)
    state = consent.load_state(db.session, young_person)
    conference = forms.get("conference_form") or ConferenceForm(
        formdata=None,
        data={
            "held_on": working.conference_on.isoformat() if working and working.conference_on else "",
            "place": working.conference_place if working else "",
            "attendees": working.conference_attendees if working else "",
            "private_family_time": working.private_family_time if working else False,
        },
    )
    return render_template(
        "staff/plan.html",
        young_person=young_person,
        plan=working,
        versions=versions,
        sentence=sentence,
        conference_form=conference,
        commitment_form=forms.get("commitment_form") or _commitment_form(young_person, state, formdata=None),
        review_form=ReviewDateForm(),
        may_plan=current_user.role in plans.PLANNERS,
    ), status


@bp.get("/young-people/<public_id>/plan")
def plan(public_id: str):
    return render_plan(young_person_or_404(public_id))


@bp.post("/young-people/<public_id>/plan")
def start_draft(public_id: str):
    young_person = young_person_or_404(public_id)
    _require_planner()
    try:
        plans.start_draft(db.session, current_user, young_person)
        db.session.commit()
    except plans.PlanRefused as error:
        _refused(error)
    return _back(young_person)


@bp.post("/plans/<public_id>/conference")
def record_conference(public_id: str):
    plan = _plan_or_404(public_id)
    _require_planner()
    form = ConferenceForm()
    valid = form.validate()
    if form.held_on.date and form.held_on.date > date.today():
        form.held_on.errors = [*form.held_on.errors, _("The date can't be in the future")]
        valid = False
    if not valid:
        return render_plan(plan.young_person, 400, conference_form=form)
    details = plans.Conference(
        form.held_on.date, form.place.data, form.attendees.data, form.private_family_time.data
    )
    try:
        plans.record_conference(current_user, plan, details)
        db.session.commit()
        flash(_("The conference is saved."), "success")
    except plans.PlanRefused as error:
        _refused(error)
    return _back(plan.young_person)


def _details(form: CommitmentForm) -> plans.CommitmentDetails:
    """The commitment's details, or the form's errors (ScheduleError) to show."""
    schedule = schedules.Schedule(
        kind=ScheduleKind(form.schedule.data),
        starts_on=form.starts_on.date,
        ends_on=form.ends_on.date,
        interval=form.interval.data,
        window_days_before=form.window_days_before.data or 0,
        window_days_after=form.window_days_after.data or 0,
    )
    return plans.CommitmentDetails(
        kind=CommitmentKind(form.kind.data),
        description=form.description.data,
        schedule=schedule,
        checked_by=form.checked_by.data,
    )


def _save_commitment(plan, form: CommitmentForm, commitment=None):
    young_person = plan.young_person
    state = consent.load_state(db.session, young_person)
    chosen = [m for m in young_person.network if m.public_id in set(form.supporters.data or [])]
    try:
        details = _details(form)
        if commitment is None:
            plans.add_commitment(db.session, current_user, plan, details, chosen, state)
        else:
            plans.change_commitment(current_user, commitment, details, chosen, state)
    except schedules.ScheduleError as error:
        form.schedule.errors = [
            *form.schedule.errors,
            SCHEDULE_PROBLEMS.get(error.code, SCHEDULE_PROBLEMS["invalid"])(),
        ]
        return None
    except plans.PlanRefused as error:
        if error.reason in ("no_supporter", "not_a_supporter"):
            form.supporters.errors = [*form.supporters.errors, REFUSALS[error.reason]()]
            return None
        raise
    db.session.commit()
    return True


@bp.post("/plans/<public_id>/commitments")
def add_commitment(public_id: str):
    plan = _plan_or_404(public_id)
    _require_planner()
    form = _commitment_form(plan.young_person, consent.load_state(db.session, plan.young_person))
    try:
        if form.validate() and _save_commitment(plan, form):
            flash(_("Added to the plan."), "success")
            return _back(plan.young_person)
    except plans.PlanRefused as error:
        _refused(error)
        return _back(plan.young_person)
    return render_plan(plan.young_person, 400, commitment_form=form)


@bp.route("/commitments/<public_id>", methods=["GET", "POST"])
def commitment(public_id: str):
    found = _commitment_or_404(public_id)
    young_person = found.plan.young_person
    _require_planner()
    state = consent.load_state(db.session, young_person)
    data = {  # not obj=found: its attributes would win, and its supporters are records, not ids
        "kind": found.kind.value,
        "supporters": [m.public_id for m in found.supporters],
        "description": found.description,
        "schedule": found.schedule.value,
        "starts_on": found.starts_on.isoformat() if found.starts_on else "",
        "interval": found.interval,
        "ends_on": found.ends_on.isoformat() if found.ends_on else "",
        "window_days_before": found.window_days_before,
        "window_days_after": found.window_days_after,
        "checked_by": found.checked_by,
    }
    form = _commitment_form(young_person, state, data=data)
    if form.is_submitted():
        try:
            if form.validate() and _save_commitment(found.plan, form, found):
                flash(_("Saved."), "success")
                return _back(young_person)
        except plans.PlanRefused as error:
            _refused(error)
            return _back(young_person)
    return render_template("staff/commitment.html", commitment=found, form=form), 400 if form.errors else 200


@bp.post("/commitments/<public_id>/remove")
def remove_commitment(public_id: str):
    found = _commitment_or_404(public_id)
    _require_planner()
    young_person = found.plan.young_person
    try:
        plans.remove_commitment(db.session, current_user, found)
        db.session.commit()
        flash(_("Taken out of the plan."), "success")
    except plans.PlanRefused as error:
        _refused(error)
    return _back(young_person)


@bp.post("/plans/<public_id>/agree")
def agree_plan(public_id: str):
    """One button per step: agreed at the conference, agreed by the social worker, started."""
    plan = _plan_or_404(public_id)
    _require_planner()
    form = ReviewDateForm()
    form.validate()
    try:
        if plan.status.value == "draft":
            plans.agree_at_conference(db.session, current_user, plan)
        elif plan.status.value == "agreed_at_conference":
            plans.agree_as_social_worker(db.session, current_user, plan, date.today())
        else:
            plans.start(db.session, current_user, plan, form.review_due_on.date)
        db.session.commit()
        flash(_("The plan is updated."), "success")
    except plans.PlanRefused as error:
        _refused(error)
    return _back(plan.young_person)
