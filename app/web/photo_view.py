"""Journey book photos, served only through the one rule for who may see their entry, never cached."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request, send_file
from flask_login import current_user

from app.domain import permissions, photos
from app.extensions import db, login_manager

bp = Blueprint("photos", __name__, url_prefix="/photos")


@bp.get("/<public_id>")
def photo(public_id: str):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    found = permissions.journey_photo_for(db.session, current_user, public_id)
    if found is None:
        abort(404)
    path = photos.path_of(photos.photo_dir(current_app.config), found.storage_name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response


# A page of the book may carry up to six phone photos: more than the app's usual limit on a request.
# Each photo is still refused above photos.MAX_UPLOAD_BYTES, with the words kept (see app/youth/book.py).
UPLOAD_REQUEST_LIMIT = 6 * photos.MAX_UPLOAD_BYTES + 1024 * 1024


def accepts_photos(view):
    """Mark a view whose form may carry photos; ``allow_photo_uploads`` raises its request limit."""
    view.accepts_photos = True
    return view


def allow_photo_uploads(app) -> None:
    """Registered before CSRF protection, which reads the form (and so the limit) before any view runs."""

    @app.before_request
    def raise_limit_for_photo_forms():
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "accepts_photos", False) and current_user.is_authenticated:
            request.max_content_length = UPLOAD_REQUEST_LIMIT

    @app.after_request
    def tell_upload_script_where_to_go(response):
        # upload.js sends photo forms with XMLHttpRequest, which would follow a redirect itself and use
        # up the flash message meant for the page it opens next: it is told where to go instead.
        view = app.view_functions.get(request.endpoint or "")
        if (
            getattr(view, "accepts_photos", False)
            and request.headers.get("X-Upload") == "1"
            and response.status_code in (302, 303)
        ):
            response.headers["X-Upload-Location"] = response.headers.pop("Location")
            response.status_code = 200
            response.set_data(b"")
        return response
