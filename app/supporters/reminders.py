"""Reminders: how and when a supporter is reminded, web push in this browser, and the e-mail's
one-tap "I did it" page.

``/supporting/reminders`` is a supporter's page. ``/done/<token>`` is not: it works without signing
in (the token names one occurrence and one supporter), so it lives on a small blueprint of its own,
registered together with the supporters' one. Opening it (GET) changes nothing, because mail
scanners open links; its one button POSTs.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField
from wtforms.validators import ValidationError

from app.config import format_locale
from app.domain import one_tap, push, reminders
from app.extensions import db, limiter
from app.models import utcnow
from app.plan_words import kind_label
from app.supporters import bp
from app.web.forms import Checkboxes

ONE_TAP_LIMIT_PER_IP = "10 per minute; 60 per hour"


def _day_label(days: int) -> str:
    if days == 0:
        return _("On the day")
    if days == 7:
        return _("A week before")
    return ngettext("%(num)d day before", "%(num)d days before", days)


class DaysField(Checkboxes):
    """Checkboxes for the days; anything else sent is an error in our own (translated) words."""

    def process_formdata(self, valuelist):
        self.data, self.unreadable = [], False
        for value in valuelist:
            try:
                self.data.append(int(value))
            except ValueError:
                self.unreadable = True

    def pre_validate(self, form):
        if getattr(self, "unreadable", False) or any(d not in reminders.DAY_CHOICES for d in self.data or []):
            raise ValidationError(_("Choose the days from the list."))


class ReminderForm(FlaskForm):
    by_email = BooleanField(_l("By e-mail"))
    by_push = BooleanField(_l("As a notification on my phone or computer"))
    days_before = DaysField(_l("When would you like a reminder?"), coerce=int, choices=[], default=list)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.days_before.choices = [(d, _day_label(d)) for d in reminders.DAY_CHOICES]

    def validate_days_before(self, field):
        if (self.by_email.data or self.by_push.data) and not field.data:
            raise ValidationError(_("Choose at least one day, or untick e-mail and notifications."))


def _page(form: ReminderForm, status: int = 200):
    config = current_app.config
    body = render_template(
        "supporters/reminders.html",
        form=form,
        subscriptions=push.list_for(db.session, current_user),
        push_ready=push.is_configured(config),
        vapid_public_key=config.get("VAPID_PUBLIC_KEY", ""),
    )
    return body, status


@bp.get("/reminders")
def reminders_page():
    choice = reminders.settings_for(db.session, current_user)
    form = ReminderForm(
        data={"by_email": choice.by_email, "by_push": choice.by_push, "days_before": list(choice.days_before)}
    )
    return _page(form)


@bp.post("/reminders")
def save_reminders():
    form = ReminderForm()
    if not form.validate():
        return _page(form, 400)
    reminders.save_settings(
        db.session,
        current_user,
        by_email=form.by_email.data,
        by_push=form.by_push.data,
        days_before=form.days_before.data or [],
    )
    db.session.commit()
    flash(_("Your reminder choices are saved."), "success")
    return redirect(url_for("supporters.reminders_page"), code=303)


# Web push in this browser: push.js sends what PushManager.subscribe gave it.


def _json_error(message: str, status: int = 400):
    return jsonify(error=message), status


@bp.post("/push-subscriptions")
def add_push_subscription():
    if not push.is_configured(current_app.config):
        return _json_error(_("Notifications are not available on this service yet."), 404)
    try:
        endpoint, p256dh, auth = push.read_subscription(request.get_json(silent=True))
    except push.BadSubscription:
        return _json_error(_("This browser could not turn notifications on. Please try again."))
    try:
        push.subscribe(db.session, current_user, endpoint, p256dh, auth)
        reminders.turn_on_push(db.session, current_user)
        db.session.commit()
    except IntegrityError:  # the same browser, twice at once: the first one counts
        db.session.rollback()
    return jsonify(message=_("Notifications are on for this phone or computer.")), 201


@bp.delete("/push-subscriptions")
def remove_push_subscription():
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not endpoint:
        return _json_error(_("Something went wrong with that request"))
    push.unsubscribe(db.session, current_user, endpoint=endpoint)
    db.session.commit()
    return jsonify(message=_("Notifications are off for this phone or computer."))


@bp.post("/push-subscriptions/<public_id>/remove")
def remove_push_device(public_id: str):
    """From the list on the reminders page (works without JavaScript, and for a lost phone)."""
    if not push.unsubscribe(db.session, current_user, public_id=public_id):
        abort(404)
    db.session.commit()
    flash(_("We won't send notifications there any more."), "success")
    return redirect(url_for("supporters.reminders_page"), code=303)


# The one-tap link from the reminder e-mail: no sign-in needed.

one_tap_bp = Blueprint("one_tap", __name__)


@bp.record_once
def _register_one_tap(state) -> None:
    state.app.register_blueprint(one_tap_bp)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"  # the page holds the token
    return response


def _gone():
    return _no_store(make_response(render_template("supporters/one_tap_gone.html"), 410))


def _in_their_language(found: one_tap.OneTap, template: str, **values):
    """The page in the language the e-mail was in, when the supporter chose one."""
    language = found.account.language if found.account else None
    context = {
        "name": found.name,
        "what": kind_label(found.commitment),
        "description": found.commitment.description,
        "occurrence": found.promise.occurrence,
        **values,
    }
    if language in current_app.config["LANGUAGES"]:
        with force_locale(format_locale(language)):
            return render_template(template, **context)
    return render_template(template, **context)


@one_tap_bp.get("/done/<token>")
def landing(token: str):
    found = one_tap.look_up(db.session, current_app.config["SECRET_KEY"], token, utcnow())
    if found.state is one_tap.LinkState.UNKNOWN:
        return _no_store(make_response(render_template("supporters/one_tap_gone.html"), 404))
    if found.state is one_tap.LinkState.GONE:
        return _gone()
    page = _in_their_language(found, "supporters/one_tap.html", token=token)
    return _no_store(make_response(page))


@one_tap_bp.post("/done/<token>")
@limiter.limit(ONE_TAP_LIMIT_PER_IP)
def confirm(token: str):
    # CSRFProtect has checked the form's token already; the link's token is in the address.
    found, confirmation = one_tap.use(db.session, current_app.config["SECRET_KEY"], token, utcnow())
    if found.state is one_tap.LinkState.UNKNOWN:
        return _no_store(make_response(render_template("supporters/one_tap_gone.html"), 404))
    if confirmation is None:
        db.session.rollback()
        return _gone()
    db.session.commit()
    return _no_store(make_response(_in_their_language(found, "supporters/one_tap_done.html")))
