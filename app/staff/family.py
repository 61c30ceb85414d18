"""Staff: the young person's family tree (genogram), the same family in words, and its links.

Every change is a form with selects and radios: nothing needs dragging (WCAG 2.2, 2.5.7).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from app.domain import genogram, permissions
from app.domain.network import may_edit
from app.extensions import db
from app.models import LinkDetail, LinkKind, MemberKind
from app.staff import bp
from app.staff.lookup import young_person_or_404

THE_YOUNG_PERSON = "young-person"  # the value that stands for the young person in the people selects

KIND_LABELS = {
    "parent": _l("A parent figure and their child"),
    "sibling": _l("Brothers or sisters (siblings)"),
    "partner": _l("Partners"),
    "pet": _l("A pet and who it belongs to"),
}
DETAIL_LABELS = {
    "": _l("Not needed (partners and pets)"),
    LinkDetail.BIRTH: _l("Birth parent"),
    LinkDetail.ADOPTIVE: _l("Adoptive parent, or siblings by adoption"),
    LinkDetail.STEP: _l("Step-parent, or step-siblings"),
    LinkDetail.FOSTER: _l("Foster carer, or foster siblings"),
    LinkDetail.KINSHIP: _l("Kinship carer"),
    LinkDetail.FULL: _l("Full siblings"),
    LinkDetail.HALF: _l("Half-siblings"),
}
REFUSALS = {
    "same_person": ("second", _l("Choose two different people")),
    "already_linked": ("second", _l("These two are already linked. Remove that link first to change it.")),
    "loop": ("second", _l("That would make someone their own ancestor")),
    "detail_needed": ("detail", _l("Choose what kind of parent figure or siblings")),
    "wrong_detail": (
        "detail",
        _l(
            "That does not fit: a parent figure is birth, adoptive, step, foster or kinship; siblings are "
            "full, half, step, foster or by adoption; partners and pets need nothing here"
        ),
    ),
    "pet_link": ("kind", _l("A pet can only be linked to who it belongs to, as a pet")),
    "no_pet": ("kind", _l("For a pet, choose the pet as one of the two")),
}


class FamilyLinkForm(FlaskForm):
    first = SelectField(_l("First person"), validators=[DataRequired(message=_l("Choose the first person"))])
    kind = RadioField(
        _l("How are they linked?"),
        choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()],
        validators=[DataRequired(message=_l("Choose how they are linked"))],
    )
    detail = SelectField(
        _l("What kind of parent figure or siblings?"),
        choices=[SelectChoice(str(value), label) for value, label in DETAIL_LABELS.items()],
        default="",
    )
    second = SelectField(
        _l("Second person"), validators=[DataRequired(message=_l("Choose the second person"))]
    )
    way = RadioField(
        _l("Which way round? (parent figures only)"),
        choices=[
            SelectChoice("first", _l("The first person is the parent figure of the second")),
            SelectChoice("second", _l("The second person is the parent figure of the first")),
        ],
        default="first",
    )


def _form(young_person, members) -> FamilyLinkForm:
    form = FamilyLinkForm()
    choices = [
        SelectChoice("", _("Choose someone")),
        SelectChoice(THE_YOUNG_PERSON, _("%(name)s (the young person)", name=young_person.chosen_name)),
    ]
    for member in members:
        label = member.name
        if member.relationship_label:
            label = _("%(name)s — %(relationship)s", name=member.name, relationship=member.relationship_label)
        choices.append(SelectChoice(member.public_id, label))
    form.first.choices = form.second.choices = choices
    return form


def _page(young_person, form, status=200):
    members, links = young_person.network, genogram.family_links(db.session, young_person)
    return render_template(
        "staff/family.html",
        young_person=young_person,
        layout=genogram.layout(young_person, members, links),
        sentences=genogram.read_the_family(young_person, members, links),
        may_change=may_edit(current_user, young_person),
        form=form,
    ), status


@bp.get("/young-people/<public_id>/family")
def family(public_id: str):
    young_person = young_person_or_404(public_id)
    return _page(young_person, _form(young_person, young_person.network))


def _refuse(form, reason: str) -> bool:
    name, message = REFUSALS[reason]
    form[name].errors.append(message)
    return False


def _add(form, young_person, members) -> bool:
    """Add the link the form describes; or say on the form why not."""
    by_key = {member.public_id: member for member in members}
    first, second = by_key.get(form.first.data), by_key.get(form.second.data)  # None: the young person
    kind = form.kind.data
    detail = LinkDetail(form.detail.data) if form.detail.data else None
    if kind == "pet" and first is not None and first.kind is MemberKind.PET:
        first, second = second, first  # the pet is the end that belongs
    elif kind == "parent" and form.way.data == "second":
        first, second = second, first
    if kind == "pet" and (second is None or second.kind is not MemberKind.PET):
        return _refuse(form, "no_pet")
    if kind == "pet" and detail is not None:
        return _refuse(form, "wrong_detail")
    link_kind = LinkKind.PARENT if kind == "pet" else LinkKind(kind)
    try:
        genogram.add_link(db.session, current_user, young_person, link_kind, detail, first, second)
    except genogram.LinkRefused as refused:
        if refused.reason not in REFUSALS:
            abort(403 if refused.reason == "not_allowed" else 404)
        return _refuse(form, refused.reason)
    return True


@bp.post("/young-people/<public_id>/family/links")
def add_family_link(public_id: str):
    young_person = young_person_or_404(public_id)
    if not may_edit(current_user, young_person):
        abort(403)
    form = _form(young_person, young_person.network)
    if form.validate() and _add(form, young_person, young_person.network):
        db.session.commit()
        flash(_("Link added."), "success")
        return redirect(url_for("staff.family", public_id=public_id), code=303)
    return _page(young_person, form, 400)


@bp.post("/family-links/<public_id>/remove")
def remove_family_link(public_id: str):
    found = permissions.family_link_for(db.session, current_user, public_id)
    if found is None:
        abort(404)
    link, young_person = found
    try:
        genogram.remove_link(db.session, current_user, young_person, link)
    except genogram.LinkRefused:
        abort(403)
    db.session.commit()
    flash(_("Link removed."), "success")
    return redirect(url_for("staff.family", public_id=young_person.public_id), code=303)
