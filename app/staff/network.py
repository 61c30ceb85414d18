"""Staff keep the network: add and edit people, check each is safe, and log contact."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.domain import consent, network, permissions
from app.extensions import db
from app.models import ContactMethod, FamilySide, MemberKind, Role, SafetyStatus, utcnow
from app.staff import bp
from app.staff.lookup import young_person_or_404
from app.staff.network_forms import ContactLogForm, PersonForm, SafetyForm


def _member_or_404(public_id: str):
    member = permissions.network_member_for(db.session, current_user, public_id)
    if member is None:
        abort(404)
    return member


def _details(form: PersonForm) -> network.PersonDetails:
    return network.PersonDetails(
        name=form.name.data,
        relationship_label=form.relationship_label.data or "",
        family_side=FamilySide(form.family_side.data),
        circle=int(form.circle.data) if form.circle.data else None,
        kind=MemberKind(form.kind.data),
        deceased=form.deceased.data,
        email=form.email.data,
        phone=form.phone.data,
        address=form.address.data,
        country=form.country.data,
        staff_notes=form.staff_notes.data,
    )


@bp.route("/young-people/<public_id>/people/new", methods=["GET", "POST"])
def add_person(public_id: str):
    young_person = young_person_or_404(public_id)
    if not network.may_edit(current_user, young_person):
        abort(403)
    form = PersonForm()
    if form.is_submitted() and form.validate():
        member = network.add_person(db.session, current_user, young_person, _details(form))
        db.session.commit()
        flash(_("%(name)s is added. Next, check it is safe to contact them.", name=member.name), "success")
        return redirect(url_for("staff.person", public_id=member.public_id), code=303)
    return render_template("staff/person_new.html", young_person=young_person, form=form), (
        400 if form.errors else 200
    )


def _render_person(member, status=200, **forms):
    data = {
        "name": member.name,
        "relationship_label": member.relationship_label,
        "family_side": member.family_side.value,
        "circle": str(member.circle or ""),
        "kind": member.kind.value,
        "deceased": member.deceased,
        "email": member.email,
        "phone": member.phone,
        "address": member.address,
        "country": member.country,
        "staff_notes": member.staff_notes,
    }
    person_form = forms.get("person_form") or PersonForm(formdata=None, data=data)
    safety_form = forms.get("safety_form") or SafetyForm(
        formdata=None,
        data={
            "safety_status": member.safety_status.value,
            "shown_to_young_person": member.do_not_contact and member.shown_to_young_person,
        },
    )
    state = consent.load_state(db.session, member.young_person)
    return render_template(
        "staff/person.html",
        member=member,
        young_person=member.young_person,
        person_form=person_form,
        safety_form=safety_form,
        log_form=forms.get("log_form")
        or ContactLogForm(formdata=None, data={"contacted_on": date.today().isoformat()}),
        log=network.contact_log(db.session, member),
        contact_choice=state.contact_choice(member),
        participation=state.participation(member),
        may_edit=network.may_edit(current_user, member.young_person),
    ), status


@bp.get("/people/<public_id>")
def person(public_id: str):
    return _render_person(_member_or_404(public_id))


def _saved(member, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("staff.person", public_id=member.public_id), code=303)


@bp.post("/people/<public_id>")
def change_person(public_id: str):
    member = _member_or_404(public_id)
    if not network.may_edit(current_user, member.young_person):
        abort(403)
    form = PersonForm()
    if not form.validate():
        return _render_person(member, 400, person_form=form)
    network.change_person(db.session, current_user, member, _details(form))
    return _saved(member, _("Saved."))


@bp.post("/people/<public_id>/safety")
def set_safety(public_id: str):
    member = _member_or_404(public_id)
    if not network.may_edit(current_user, member.young_person):
        abort(403)
    form = SafetyForm()
    if not form.validate():
        return _render_person(member, 400, safety_form=form)
    status = SafetyStatus(form.safety_status.data)
    network.set_safety(db.session, current_user, member, status, form.safety_reason.data, utcnow())
    if (
        status is SafetyStatus.DO_NOT_CONTACT
        and current_user.role is Role.COORDINATOR  # only they are offered the box (a social worker is not)
        and member.shown_to_young_person != form.shown_to_young_person.data
    ):
        try:
            network.show_to_young_person(db.session, current_user, member, form.shown_to_young_person.data)
        except network.NetworkRefused:
            abort(403)
    return _saved(member, _("The safety check is saved."))


@bp.post("/people/<public_id>/contact-log")
def log_contact(public_id: str):
    member = _member_or_404(public_id)
    if not network.may_edit(current_user, member.young_person):
        abort(403)
    form = ContactLogForm()
    valid = form.validate()
    if form.contacted_on.date and form.contacted_on.date > date.today():
        form.contacted_on.errors = [*form.contacted_on.errors, _("The date can't be in the future")]
        valid = False
    if not valid:
        return _render_person(member, 400, log_form=form)
    method = ContactMethod(form.method.data)
    network.log_contact(db.session, current_user, member, form.contacted_on.date, method, form.outcome.data)
    return _saved(member, _("Added to the contact log."))
