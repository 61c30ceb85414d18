"""Sign-in links for supporters: ask for a link by e-mail, then press a button on the link's page.

- Asking answers the same way whether or not we know the address (same redirect, same page), and the
  e-mail is sent after the answer has gone, so the time taken does not tell either.
- Opening the link (GET) never uses it: mail scanners open links. Its button POSTs the token.
- A used or old link sends its owner a fresh one, at most a few times in ten minutes.
- Rate limits: asking, per IP and per address; pressing the button, per IP.
"""

from __future__ import annotations

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from limits import parse
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Email, Length

from app.auth import bp, emails
from app.auth.views_sign_in import home_for
from app.auth.web_session import sign_in
from app.domain import sign_in_links
from app.domain.tokens import hash_token
from app.extensions import db, limiter
from app.mailer import deliver_now
from app.models import Account, utcnow
from app.web.urls import absolute_url

ASK_LIMIT_PER_IP = "5 per minute; 20 per hour"
ASK_LIMIT_PER_ADDRESS = "3 per 10 minutes"
USE_LIMIT_PER_IP = "10 per minute; 60 per hour"
# A spent link sends a fresh one; this stops an old link being used to flood its owner's inbox.
RESEND_LIMIT_PER_ACCOUNT = parse("3 per 10 minutes")


class EmailForm(FlaskForm):
    email = StringField(
        _l("Your e-mail address"),
        validators=[
            DataRequired(message=_l("Type your e-mail address")),
            Length(max=254, message=_l("That e-mail address is too long")),
            Email(message=_l("Check your e-mail address. It looks like name@example.com")),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )


class LinkForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Length(max=100)])


def _address_key() -> str:
    """The address typed in, hashed so the limiter's store holds no e-mail addresses."""
    address = sign_in_links.normalise_email(request.form.get("email"))
    return "address:" + hash_token(address) if address else get_remote_address()


def _queue_link(account: Account, token: str) -> int:
    # From configuration, never the Host header: a forged Host must not put our token in its link.
    return emails.queue_sign_in_link(db.session, account, absolute_url("auth.link_landing", token=token)).id


def _send_after(response, message_id: int | None):
    """Send the e-mail once the answer has gone (the WSGI server closes the response)."""
    if message_id is not None:
        app = current_app._get_current_object()
        response.call_on_close(lambda: deliver_now(app, message_id))
    return response


def _may_resend(account: Account) -> bool:
    return not limiter.enabled or limiter.limiter.hit(
        RESEND_LIMIT_PER_ACCOUNT, "sign-in-link-resend", account.public_id
    )


@bp.get("/sign-in/email")
def email_link():
    return render_template("auth/email_link.html", form=EmailForm())


@bp.post("/sign-in/email")
@limiter.limit(ASK_LIMIT_PER_IP)
@limiter.limit(ASK_LIMIT_PER_ADDRESS, key_func=_address_key)
def email_link_send():
    form = EmailForm()
    if not form.validate():
        return render_template("auth/email_link.html", form=form), 400
    issued = sign_in_links.request_link(db.session, form.email.data, utcnow())
    message_id = _queue_link(*issued) if issued is not None else None
    db.session.commit()
    return _send_after(redirect(url_for("auth.email_link_sent"), code=303), message_id)


@bp.get("/sign-in/email/sent")
def email_link_sent():
    return render_template("auth/email_link_sent.html")


@bp.get("/sign-in/link/<token>")
def link_landing(token: str):
    live = sign_in_links.is_live(db.session, token, utcnow())
    form = LinkForm(data={"token": token})
    response = make_response(render_template("auth/link_landing.html", form=form, live=live))
    response.headers["Cache-Control"] = "no-store"  # the page holds the token
    return response


@bp.post("/sign-in/link")
@limiter.limit(USE_LIMIT_PER_IP)
def link_sign_in():
    form = LinkForm()
    token = form.token.data if form.validate() else None
    now = utcnow()
    account = sign_in_links.use_link(db.session, token, now) if token else None
    if account is not None:
        sign_in(account, "link")
        db.session.commit()
        flash(_("Welcome! You're signed in."), "success")
        return redirect(home_for(account), code=303)
    owner = sign_in_links.owner_of_spent_link(db.session, token) if token else None
    message_id = None
    if owner is not None and _may_resend(owner):
        issued = sign_in_links.request_link(db.session, owner.email, now)
        message_id = _queue_link(*issued) if issued is not None else None
    db.session.commit()
    page = render_template("auth/link_spent.html", sent=message_id is not None)
    return _send_after(make_response(page, 400), message_id)
