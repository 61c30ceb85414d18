"""Close my account: a care leaver (or anyone 18 or over) erases what is theirs, for good.

The page says what goes and what the council must keep, and why. Closing needs a fresh sign-in and a
ticked "I understand". A child in care is told kindly why their account stays open, and gets no form.
"""

from __future__ import annotations

from flask import abort, current_app, make_response, render_template, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from app.auth.web_session import confirm_unless_fresh
from app.domain import erasure, photos, schedules
from app.extensions import db
from app.models import utcnow
from app.youth import bp
from app.youth.choices import me


class CloseAccountForm(FlaskForm):
    understood = BooleanField(
        _l("I understand that what is erased can't be brought back"),
        validators=[DataRequired(message=_l("Tick the box to show you understand it can't be undone"))],
    )


def _may_close(young_person) -> bool:
    return erasure.who_may_close(young_person, schedules.today_in(young_person.timezone, utcnow()))


def _page(young_person, form: CloseAccountForm, allowed: bool, status: int = 200):
    return render_template(
        "youth/close_account.html",
        young_person=young_person,
        allowed=allowed,
        form=form,
        explanations=erasure.explain(young_person),
    ), status


@bp.get("/account/close", endpoint="close_account")
def close_account():
    young_person = me()
    allowed = _may_close(young_person)
    if allowed and (response := confirm_unless_fresh(url_for("youth.close_account"))) is not None:
        return response
    return _page(young_person, CloseAccountForm(), allowed)


@bp.post("/account/close", endpoint="close_account_confirm")
def close_account_confirm():
    young_person = me()
    if not _may_close(young_person):
        abort(403)
    if (response := confirm_unless_fresh(url_for("youth.close_account"))) is not None:
        return response
    form = CloseAccountForm()
    if not form.validate():
        return _page(young_person, form, allowed=True, status=400)
    organisation = young_person.organisation
    erasure.erase(
        db.session,
        young_person,
        actor=current_user._get_current_object(),
        now=utcnow(),
        photo_dir=photos.photo_dir(current_app.config),
    )
    # Their sessions are erased with everything else: this browser forgets them too.
    logout_user()
    session.clear()
    response = make_response(render_template("youth/account_closed.html", organisation=organisation))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    response.headers["Cache-Control"] = "no-store"
    return response
