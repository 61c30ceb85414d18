"""A young person's journey book as a supporter sees it: what they chose to share, and memories to send.

A memory a supporter sends waits for the young person. Whatever they decide, the supporter is only
told kindly: "added", "they'd like a small change" (with the young person's words), or "thank you".
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.book_form import EntryForm, validate_with_photos
from app.domain import consent, journey, permissions, photos
from app.domain.consent import Action
from app.extensions import db
from app.models import AuthorRole, EntryStatus
from app.supporters import bp
from app.supporters.promises import supporter_today
from app.web.book_edit import save_edit
from app.web.idempotency import idempotent, new_key
from app.web.photo_view import accepts_photos

EDITABLE = (EntryStatus.AWAITING_YOUNG_PERSON, EntryStatus.CHANGE_ASKED)


def _place(member_public_id: str):
    """This supporter's place in a young person's network, while the young person lets them see it."""
    member = next(
        (
            m
            for m in permissions.supporter_memberships(db.session, current_user)
            if m.public_id == member_public_id
        ),
        None,
    )
    if member is None:
        abort(404)
    state = consent.load_state(db.session, member.young_person)
    if not consent.may(state, Action.SUPPORTER_SEES_YOUNG_PERSON, supporter_today(), member=member):
        abort(404)
    return member, state


@bp.get("/<member_id>/book")
def book(member_id: str):
    member, state = _place(member_id)
    entries = journey.book(db.session, member.young_person, "memory")
    return render_template(
        "supporters/book/book.html",
        member=member,
        name=member.young_person.chosen_name,
        entries=journey.shared_book(state, entries, consent.member_scope(member), supporter_today()),
        sent=journey.contributions_by(db.session, member),
    )


@bp.route("/<member_id>/book/new", methods=["GET", "POST"])
@accepts_photos
@idempotent
def new_memory(member_id: str):
    member, _state = _place(member_id)
    form = EntryForm()
    if form.is_submitted():
        stored, status = validate_with_photos(form, photos.photo_dir(current_app.config))
        if status is None:
            journey.add(
                db.session,
                member.young_person,
                form.draft(),
                actor=current_user,
                role=AuthorRole.SUPPORTER,
                stored=stored,
            )
            flash(
                _("Thank you. %(name)s will see your memory and choose whether to add it to their book.")
                % {"name": member.young_person.chosen_name},
                "success",
            )
            return redirect(url_for("supporters.book", member_id=member.public_id), code=303)
        return _form_page(form, member, None, status)
    return _form_page(form, member, None, 200)


def _form_page(form, member, entry, status):
    return (
        render_template(
            "supporters/book/form.html",
            form=form,
            member=member,
            entry=entry,
            name=member.young_person.chosen_name,
            key=new_key(),
            max_bytes=photos.MAX_UPLOAD_BYTES,
        ),
        status,
    )


def _visible_entry(public_id: str):
    entry = permissions.journey_entry_for(db.session, current_user, public_id)
    if entry is None:
        abort(404)
    member = journey.supporter_place(db.session, current_user, entry.young_person)
    return entry, member


@bp.get("/book/<public_id>")
def entry(public_id: str):
    found, member = _visible_entry(public_id)
    return render_template(
        "supporters/book/entry.html",
        entry=found,
        member=member,
        name=found.young_person.chosen_name,
        mine=found.author_account_id == current_user.id and found.author_role is AuthorRole.SUPPORTER,
    )


@bp.route("/book/<public_id>/edit", methods=["GET", "POST"])
@accepts_photos
@idempotent
def edit_memory(public_id: str):
    found, member = _visible_entry(public_id)
    if found.author_account_id != current_user.id or found.status not in EDITABLE:
        abort(404)
    form = EntryForm()
    if not form.is_submitted():
        form.fill_from(found)
        return _form_page(form, member, found, 200)
    refused = save_edit(
        found,
        form,
        action=url_for("supporters.edit_memory", public_id=public_id),
        back=url_for("supporters.book", member_id=member.public_id),
        form_page=lambda status: _form_page(form, member, found, status),
    )
    if refused is not None:
        return refused
    flash(
        _("Thank you. %(name)s will see your changes.") % {"name": found.young_person.chosen_name}, "success"
    )
    return redirect(url_for("supporters.book", member_id=member.public_id), code=303)
