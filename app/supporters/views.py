from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.consent_wording import shown
from app.domain import confirmations, consent, permissions
from app.domain.consent import Action
from app.extensions import db
from app.models import Channel, ConsentKind, Decision, utcnow
from app.plan_words import kind_label
from app.supporters import bp
from app.supporters.promises import card_context, promises_of, supporter_today


def _places():
    """Each young person this supporter is linked to, with what the ledger allows now."""
    today = supporter_today()
    places = []
    for member in permissions.supporter_memberships(db.session, current_user):
        state = consent.load_state(db.session, member.young_person)
        places.append(
            {
                "member": member,
                "name": member.young_person.chosen_name,
                "may_ask": consent.may(state, Action.ASK_TO_TAKE_PART, today, member=member),
                "sees": consent.may(state, Action.SUPPORTER_SEES_YOUNG_PERSON, today, member=member),
                "participation": state.participation(member),
            }
        )
    # What they promised, for everyone they may see now, in one go (one query per young person is
    # the consent ledger above; the rest does not grow with the number of young people or the history).
    promised = promises_of([place["member"] for place in places if place["sees"]], today)
    for place in places:
        place["promises"] = promised.get(place["member"].id)
    return places


@bp.get("/")
def home():
    # Only the young person's chosen name and what they promised: nothing else reaches a supporter here.
    return render_template(
        "supporters/home.html",
        places=_places(),
        wording=shown("supporter_participation"),
        card_for=card_context,
        promise=confirmations.Promise,
        today=supporter_today(),
        kind_label=kind_label,
    )


@bp.post("/take-part/<public_id>")
def take_part(public_id: str):
    member = next(
        (m for m in permissions.supporter_memberships(db.session, current_user) if m.public_id == public_id),
        None,
    )
    choice = {"yes": Decision.GIVEN, "no": Decision.DECLINED}.get(request.form.get("choice", ""))
    if member is None or choice is None:
        abort(404 if member is None else 400)
    state = consent.load_state(db.session, member.young_person)
    if not consent.may(state, Action.ASK_TO_TAKE_PART, date.today(), member=member):
        abort(404)
    consent.record(
        db.session,
        member.young_person,
        ConsentKind.SUPPORTER_PARTICIPATION,
        choice,
        actor=current_user,
        channel=Channel.APP,
        wording=shown("supporter_participation"),
        now=utcnow(),
        scope=consent.member_scope(member),
        note=(request.form.get("message") or "").strip()[:2000] or None,
    )
    db.session.commit()
    if choice is Decision.GIVEN:
        flash(_("Thank you for taking part."), "success")
    else:
        flash(_("Thank you for letting us know. We won't ask again."), "success")
    return redirect(url_for("supporters.home"), code=303)
