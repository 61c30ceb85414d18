"""Saving a changed page of the journey book, for the young person and for a supporter alike.

If another phone saved the page since this form was opened, both texts are shown side by side (409):
nothing typed is lost, and the photos sent with the losing copy are not kept.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from app.book_form import EntryForm, validate_with_photos
from app.domain import journey, photos
from app.extensions import db
from app.web.idempotency import new_key


def save_edit(entry, form: EntryForm, *, action: str, back: str, form_page):
    """Validate and save; return None when saved, or the response to send (form again, or conflict)."""
    directory = photos.photo_dir(current_app.config)
    stored, status = validate_with_photos(form, directory)
    if status is not None:
        return form_page(status)
    try:
        journey.edit(
            db.session,
            entry,
            form.draft(),
            seen_version=int(form.version.data or 0),
            actor=current_user,
            stored=stored,
            remove_photos=request.form.getlist("remove_photo"),
        )
    except journey.Conflict as conflict:
        for photo in stored:
            photos.remove(directory, photo.storage_name)
        form.version.data = str(conflict.entry.version)
        page = render_template(
            "book/conflict.html", entry=conflict.entry, form=form, action=action, back=back, key=new_key()
        )
        return page, 409
    return None
