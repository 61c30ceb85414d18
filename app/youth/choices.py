"""My choices: take part or stop, who may be contacted, and "I'm worried about someone"."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.emails import queue_worried_alert
from app.consent_wording import shown
from app.domain import consent, permissions
from app.domain.consent import Action
from app.extensions import db
from app.models import Channel, ConsentKind, Decision, MemberKind, utcnow
from app.youth import bp
from app.youth.decisions import describe

CONTACT_CHOICES = {"yes": Decision.GIVEN, "not_now": Decision.WITHDRAWN, "never": Decision.DECLINED}


def me():
    young_person = permissions.own_young_person(db.session, current_user)
    if young_person is None:
        abort(404)
    return young_person


def _record(young_person, kind, decision, wording, **values):
    return consent.record(
        db.session,
        young_person,
        kind,
        decision,
        actor=current_user,
        channel=Channel.APP,
        wording=wording,
        now=utcnow(),
        **values,
    )


@bp.get("/choices")
def choices():
    young_person = me()
    state = consent.load_state(db.session, young_person)
    people = permissions.people_shown_to_young_person(young_person)
    names = {consent.member_scope(member): member.name for member in young_person.network}
    return render_template(
        "youth/choices.html",
        young_person=young_person,
        state=state,
        today=date.today(),
        # Pets are part of their story, but nobody gets in touch with a dog.
        people=[
            (member, state.contact_choice(member)) for member in people if member.kind is not MemberKind.PET
        ],
        history=consent.history(db.session, young_person)[:20],
        describe_decision=lambda event: describe(event, names),
        viewers=permissions.who_sees_consent(young_person),
        agreement=shown("young_person_agreement"),
        adult=shown("adult_confirmation"),
        may_take_part=consent.may(state, Action.TAKE_PART, date.today()),
    )


@bp.post("/choices/agree")
def agree():
    young_person = me()
    _record(young_person, ConsentKind.YOUNG_PERSON_AGREEMENT, Decision.GIVEN, shown("young_person_agreement"))
    db.session.commit()
    flash(_("Thank you. You're taking part. You can stop at any time."), "success")
    return redirect(url_for("youth.choices"), code=303)


@bp.get("/choices/stop")
def stop_confirm():
    young_person = me()
    return render_template(
        "youth/stop.html",
        wording=shown("young_person_withdrawal"),
        viewers=permissions.who_sees_consent(young_person),
    )


@bp.post("/choices/stop")
def stop():
    young_person = me()
    _record(
        young_person, ConsentKind.YOUNG_PERSON_AGREEMENT, Decision.WITHDRAWN, shown("young_person_withdrawal")
    )
    db.session.commit()
    flash(
        _("You've stopped for now. Nothing is deleted. You can start again here whenever you like."),
        "success",
    )
    return redirect(url_for("youth.choices"), code=303)


@bp.post("/choices/adult")
def confirm_as_adult():
    young_person = me()
    _record(
        young_person,
        ConsentKind.YOUNG_PERSON_AGREEMENT,
        Decision.GIVEN,
        shown("adult_confirmation"),
        scope=consent.ADULT,
    )
    db.session.commit()
    flash(_("Thank you. You're carrying on."), "success")
    return redirect(url_for("youth.choices"), code=303)


@bp.post("/choices/people/<public_id>")
def contact_choice(public_id: str):
    young_person = me()
    member = permissions.own_network_member(db.session, young_person, public_id)
    decision = CONTACT_CHOICES.get(request.form.get("choice", ""))
    if member is None or decision is None:
        abort(404 if member is None else 400)
    _record(
        young_person,
        ConsentKind.CONTACT_PERSON,
        decision,
        shown("contact_person", name=member.name),
        scope=consent.member_scope(member),
    )
    db.session.commit()
    flash(_("Saved your choice about %(name)s.", name=member.name), "success")
    return redirect(url_for("youth.choices") + f"#person-{member.public_id}", code=303)


@bp.route("/people/<public_id>/worried", methods=["GET", "POST"])
def worried(public_id: str):
    young_person = me()
    member = permissions.own_network_member(db.session, young_person, public_id)
    if member is None:
        abort(404)
    if request.method == "GET":
        return render_template("youth/worried.html", member=member, young_person=young_person)
    note = (request.form.get("note") or "").strip()[:2000] or None
    _record(
        young_person,
        ConsentKind.CONTACT_PERSON,
        Decision.WITHDRAWN,
        shown("worried", name=member.name),
        scope=consent.member_scope(member),
        note=note,
    )
    queue_worried_alert(db.session, young_person)
    db.session.commit()
    flash(
        _(
            "Contact with %(name)s is paused. Your coordinator will get in touch with you soon.",
            name=member.name,
        ),
        "success",
    )
    return redirect(url_for("youth.choices"), code=303)
