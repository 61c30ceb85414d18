"""A supporter's private calendar: make, see and stop the address; the feed itself needs no sign-in.

- ``/supporting/calendar``: the signed-in supporter makes a private address (shown once, never stored:
  only its hash is), sees that one exists and when a calendar last used it, and can stop it. Making a
  new one stops the old one.
- ``/calendar/<token>.ics``: the feed their phone's calendar fetches, with no session and no cookies.
  It lives outside ``/supporting`` (whose guard sends visitors to sign in), on a small blueprint of
  its own that is registered with the supporters' blueprint, so the app factory needs no change.
  A revoked or unknown address is a 404. Rate-limited per address and per IP.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.config import format_locale
from app.domain import calendar_feed, schedules
from app.domain.tokens import hash_token
from app.extensions import db, limiter
from app.models import Account, utcnow
from app.plan_words import kind_label
from app.supporters import bp
from app.web.urls import absolute_url

# A phone's calendar fetches every few minutes to every few hours; a calendar service fetches for
# many people from the same few addresses, so the limit per IP is looser than the one per feed.
FEED_LIMIT_PER_FEED = "10 per minute; 120 per hour"
FEED_LIMIT_PER_IP = "60 per minute; 1000 per hour"
PRODUCT = "-//Lifelong Links//Supporter calendar//EN"

feed_bp = Blueprint("calendar_feed", __name__)


@bp.record_once
def _register_feed(state) -> None:
    """The feed's own blueprint (no prefix, no sign-in) comes with the supporters' one."""
    state.app.register_blueprint(feed_bp)


# The supporter's page


def _page(address: str | None = None, status: int = 200):
    feed = calendar_feed.live_feed(db.session, current_user)
    return (
        render_template(
            "supporters/calendar.html",
            feed=feed,
            address=address,
            webcal=_webcal(address) if address else None,
            months=calendar_feed.FEED_MONTHS,
        ),
        status,
    )


def _webcal(address: str) -> str:
    """The same address with the scheme phones open in their calendar app."""
    return "webcal://" + address.split("://", 1)[1]


@bp.get("/calendar")
def calendar():
    return _page()


@bp.post("/calendar")
def create_calendar_feed():
    token = calendar_feed.create(db.session, current_user, utcnow())
    db.session.commit()
    # Shown on this answer only: the token is in no redirect, cookie, log line or audit row.
    return _page(address=absolute_url("calendar_feed.feed", token=token))


@bp.post("/calendar/revoke")
def revoke_calendar_feed():
    stopped = calendar_feed.revoke(db.session, current_user, utcnow())
    db.session.commit()
    if stopped:
        flash(_("Your calendar address has stopped working. Nobody can use it now."), "success")
    return redirect(url_for("supporters.calendar"), code=303)


# The feed


def _feed_key() -> str:
    """One count per address, kept as a hash so the limiter's store holds no working address."""
    token = (request.view_args or {}).get("token") or ""
    return "calendar-feed:" + hash_token(token)[:32]


def _locale(account: Account) -> str:
    language = account.language if account.language in current_app.config["LANGUAGES"] else "en"
    return format_locale(language)


def _events(account: Account, now) -> list[calendar_feed.Event]:
    today = schedules.today_in(account.timezone, now)
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "lifelong-links"
    home = absolute_url("supporters.home")
    return [
        calendar_feed.Event(
            uid=occasion.uid,
            on=occasion.on,
            summary=_("%(name)s: %(kind)s", name=occasion.name, kind=kind_label(occasion.commitment)),
            description=_("When you've done it, say so on Lifelong Links: %(link)s", link=home),
        )
        for occasion in calendar_feed.occasions(db.session, account, today, domain)
    ]


@feed_bp.get("/calendar/<token>.ics")
@limiter.limit(FEED_LIMIT_PER_FEED, key_func=_feed_key)
@limiter.limit(FEED_LIMIT_PER_IP, key_func=get_remote_address)
def feed(token: str):
    now = utcnow()
    found = calendar_feed.find(db.session, token)
    if found is None:
        abort(404)
    account = found.account
    with force_locale(_locale(account)):
        body = calendar_feed.render(
            _events(account, now),
            name=_("Lifelong Links: what I promised"),
            now=now,
            product=PRODUCT,
        )
    if calendar_feed.needs_touch(found, now):
        with db.writing() as writer:
            calendar_feed.touch(writer, found.id, now)
    response = make_response(body.encode())
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
