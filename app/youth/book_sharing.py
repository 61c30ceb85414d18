"""Who can see a page of my book, and memories my people sent me: add them, ask for a change, or not."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.domain import consent, journey
from app.extensions import db
from app.models import EntryStatus, utcnow
from app.web.idempotency import idempotent, new_key
from app.youth import bp
from app.youth.book import own_entry
from app.youth.choices import me

NOTE_LENGTH = 1000


@bp.post("/book/<public_id>/share")
@idempotent
def share_entry(public_id: str):
    young_person = me()
    found = own_entry(public_id)
    state, now = consent.load_state(db.session, young_person), utcnow()
    if not consent.may(state, consent.Action.TAKE_PART, now.date()):
        abort(403)  # paused: nobody else sees anything until they start again
    journey.set_sharing(
        db.session, state, found, request.form.getlist("audience"), actor=current_user, now=now
    )
    shared = journey.shared_with(state, found)
    names = [audience.name for audience in journey.audiences(state, now.date()) if audience.key in shared]
    if names:
        flash(_("Saved. %(names)s can see this now.", names=", ".join(names)), "success")
    else:
        flash(_("Saved. Only you can see this now."), "success")
    return redirect(url_for("youth.entry", public_id=found.public_id), code=303)


@bp.get("/book/waiting")
def waiting():
    return render_template(
        "youth/book/waiting.html",
        entries=journey.waiting(db.session, me()),
        key=new_key(),
        max_note=NOTE_LENGTH,
    )


@bp.post("/book/<public_id>/answer")
@idempotent
def answer_memory(public_id: str):
    found = own_entry(public_id, in_book=False)
    choice = request.form.get("choice")
    note = (request.form.get("note") or "").strip()[:NOTE_LENGTH]
    if found.status is not EntryStatus.AWAITING_YOUNG_PERSON or choice not in ("accept", "change", "decline"):
        abort(404 if found.status is not EntryStatus.AWAITING_YOUNG_PERSON else 400)
    if choice == "change" and not note:
        flash(_("Please say what you'd like changed, so they know what to do."), "error")
        return redirect(url_for("youth.waiting", _anchor=f"memory-{found.public_id}"), code=303)
    journey.answer(db.session, found, choice, actor=current_user, now=utcnow(), note=note)
    messages = {
        "accept": _("Added to your book. Only you can see it until you choose to share it."),
        "change": _("Thanks. We've asked them for the change. It will come back to you here."),
        "decline": _("OK, it won't go in your book. They'll just be told thank you."),
    }
    flash(messages[choice], "success")
    if choice == "accept":
        return redirect(url_for("youth.entry", public_id=found.public_id), code=303)
    return redirect(url_for("youth.waiting"), code=303)
