"""My journey book: the timeline, adding and changing a page, deleting and bringing it back."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.book_form import EntryForm, validate_with_photos
from app.domain import consent, journey, permissions, photos
from app.extensions import db
from app.models import AuthorRole, EntryStatus, utcnow
from app.web.book_edit import save_edit
from app.web.idempotency import idempotent, new_key
from app.web.photo_view import accepts_photos
from app.youth import bp
from app.youth.choices import me

ORDERS = ("newest", "memory")


def own_entry(public_id: str, *, in_book: bool = True):
    """One of the young person's own pages (or, with ``in_book=False``, a memory waiting for them)."""
    entry = permissions.journey_entry_for(db.session, current_user, public_id)
    if entry is None or entry.young_person.account_id != current_user.id:
        abort(404)
    if in_book and (entry.status is not EntryStatus.IN_BOOK or entry.deleted_at is not None):
        abort(404)
    return entry


@bp.get("/book")
def book():
    young_person = me()
    order = request.args.get("order") if request.args.get("order") in ORDERS else "newest"
    return render_template(
        "youth/book/timeline.html",
        entries=journey.book(db.session, young_person, order),
        order=order,
        waiting=journey.waiting_count(db.session, young_person),
    )


@bp.route("/book/new", methods=["GET", "POST"])
@accepts_photos
@idempotent
def new_entry():
    young_person = me()
    form = EntryForm(people=permissions.people_shown_to_young_person(young_person))
    if form.is_submitted():
        stored, status = validate_with_photos(form, photos.photo_dir(current_app.config))
        if status is None:
            entry = journey.add(
                db.session,
                young_person,
                form.draft(),
                actor=current_user,
                role=AuthorRole.YOUNG_PERSON,
                stored=stored,
            )
            flash(_("Added to your book. Only you can see it until you choose to share it."), "success")
            return redirect(url_for("youth.entry", public_id=entry.public_id), code=303)
        return _form_page(form, None, status)
    return _form_page(form, None, 200)


def _form_page(form, entry, status: int):
    return (
        render_template(
            "youth/book/form.html",
            form=form,
            entry=entry,
            key=new_key(),
            max_bytes=photos.MAX_UPLOAD_BYTES,
        ),
        status,
    )


@bp.get("/book/<public_id>")
def entry(public_id: str):
    young_person = me()
    found = own_entry(public_id)
    state = consent.load_state(db.session, young_person)
    today = utcnow().date()
    return render_template(
        "youth/book/entry.html",
        entry=found,
        audiences=journey.audiences(state, today),
        shared=journey.shared_with(state, found),
        may_share=consent.may(state, consent.Action.TAKE_PART, today),
        key=new_key(),
    )


@bp.route("/book/<public_id>/edit", methods=["GET", "POST"])
@accepts_photos
@idempotent
def edit_entry(public_id: str):
    young_person = me()
    found = own_entry(public_id)
    form = EntryForm(people=permissions.people_shown_to_young_person(young_person))
    if not form.is_submitted():
        form.fill_from(found)
        return _form_page(form, found, 200)
    refused = save_edit(
        found,
        form,
        action=url_for("youth.edit_entry", public_id=public_id),
        back=url_for("youth.entry", public_id=public_id),
        form_page=lambda status: _form_page(form, found, status),
    )
    if refused is not None:
        return refused
    flash(_("Saved."), "success")
    return redirect(url_for("youth.entry", public_id=found.public_id), code=303)


@bp.post("/book/<public_id>/delete")
@idempotent
def delete_entry(public_id: str):
    found = own_entry(public_id)
    journey.delete(db.session, found, actor=current_user, now=utcnow())
    flash(_("Deleted. You can bring it back from “Recently deleted” for 30 days."), "success")
    return redirect(url_for("youth.book"), code=303)


@bp.get("/book/deleted")
def deleted_entries():
    return render_template(
        "youth/book/deleted.html",
        entries=journey.recently_deleted(db.session, me()),
        keep_for=journey.KEEP_DELETED_FOR,
        key=new_key(),
    )


@bp.post("/book/<public_id>/restore")
@idempotent
def restore_entry(public_id: str):
    found = own_entry(public_id, in_book=False)
    if found.deleted_at is None:
        abort(404)
    journey.restore(db.session, found, actor=current_user)
    flash(_("It's back in your book."), "success")
    return redirect(url_for("youth.entry", public_id=found.public_id), code=303)
