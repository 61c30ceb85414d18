"""Download everything: the journey book to keep, the photos, and all the app holds about them.

Both the page and the download need a fresh sign-in (the last five minutes): the ZIP holds their
whole story, and a phone left signed in, or shared, should not hand it to someone else.
"""

from __future__ import annotations

import tempfile

from flask import current_app, render_template, send_file, url_for
from flask_login import current_user

from app.auth.web_session import confirm_unless_fresh
from app.domain import audit, export, journey, photos
from app.domain.schedules import today_in
from app.extensions import db
from app.models import utcnow
from app.web.i18n import current_language
from app.youth import bp
from app.youth.choices import me


@bp.get("/book/download")
def download():
    if (response := confirm_unless_fresh(url_for("youth.download"))) is not None:
        return response
    entries = journey.book(db.session, me())
    return render_template(
        "youth/download.html", pages=len(entries), photos=sum(len(entry.photos) for entry in entries)
    )


@bp.post("/book/download")
def download_zip():
    if (response := confirm_unless_fresh(url_for("youth.download"))) is not None:
        return response
    young_person, now = me(), utcnow()
    # On disk, not in memory: with a few hundred photos the ZIP can be tens of megabytes.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it once it is sent
    try:
        export.build_zip(
            db.session,
            young_person,
            photos.photo_dir(current_app.config),
            out,
            language=current_language(),
            now=now,
        )
    except BaseException:
        out.close()
        raise
    audit.record(
        db.session,
        current_user,
        "export.downloaded",
        object_type="young_person",
        object_public_id=young_person.public_id,
        young_person_id=young_person.id,
        organisation_id=young_person.organisation_id,
        detail={"bytes": out.tell()},
    )
    db.session.commit()
    out.seek(0)
    response = send_file(
        out,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"my-journey-book-{today_in(young_person.timezone, now).isoformat()}.zip",
        max_age=0,
        conditional=False,
        etag=False,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
