"""`flask digest …`: the coordinators' quiet weekly digest of lapses.

Once a week each coordinator gets one e-mail listing the promises in their young people's plans that
need a gentle follow-up (``plan_health.lapses``): a birthday that passed with nobody confirming it, a
monthly call not confirmed twice in a row. Nothing is sent when all is well, and the young person is
never told. The e-mail is in the coordinator's language and holds first names only: never what a young
person wrote, never a note, an address or a school.

Running it twice in a week sends once: each e-mail has a dedupe key per coordinator and ISO week.
"""

from __future__ import annotations

from datetime import date, datetime

import click
from flask.cli import AppGroup
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.config import format_locale
from app.domain import plan_health
from app.domain.outbox import queue_email
from app.domain.schedules import today_in
from app.models import Account, Organisation, OutboxMessage, Role
from app.plan_words import kind_label

digest_cli = AppGroup("digest", help="The coordinators' weekly digest (run weekly by cron).")


def dedupe_key(coordinator: Account, today: date) -> str:
    year, week, _day = today.isocalendar()
    return f"digest:{coordinator.public_id}:{year}-W{week:02d}"


def first_name(name: str | None) -> str:
    return (name or "").strip().split(" ")[0] if name and name.strip() else ""


def _line(lapse: plan_health.Lapse) -> str:
    who = ", ".join(first_name(m.name) for m in lapse.commitment.supporters) or _("Someone")
    values = {
        "young_person": first_name(lapse.young_person.chosen_name),
        "what": kind_label(lapse.commitment),
        "who": who,
        "date": format_date(lapse.occurrence.due_on, "long"),
    }
    if lapse.twice:
        return _(
            "%(young_person)s: %(what)s with %(who)s was not confirmed the last two times "
            "(most recently due %(date)s).",
            **values,
        )
    return _("%(young_person)s: %(what)s with %(who)s, due %(date)s, was not confirmed.", **values)


def compose(coordinator: Account, lapses: list[plan_health.Lapse], link: str) -> tuple[str, str]:
    """The subject and body, in the coordinator's language (or their service's)."""
    language = coordinator.language or coordinator.organisation.default_language or "en"
    with force_locale(format_locale(language)):
        subject = _("Lifelong Links: promises to follow up this week")
        lines = "\n".join(f"- {_line(lapse)}" for lapse in lapses)
        body = _(
            "Hello %(name)s,\n\n"
            "Some promises in the plans you coordinate have not been confirmed. A friendly word with the "
            "supporter usually helps: life gets busy, and sometimes they simply forgot to say.\n\n"
            "%(lines)s\n\n"
            "The young people have not been told about this.\n"
            "See how each plan is going: %(link)s",
            name=first_name(coordinator.display_name),
            lines=lines,
            link=link,
        )
    return subject, body


def _already_queued(session: Session, key: str) -> bool:
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None


def send_digests(session: Session, now: datetime, link: str) -> int:
    """Queue this week's digest for each coordinator with lapses. Returns how many were queued."""
    queued = 0
    for organisation in session.scalars(select(Organisation).order_by(Organisation.id)):
        today = today_in(organisation.timezone, now)
        for coordinator, lapses in plan_health.lapses(session, organisation, today).items():
            if coordinator.role is not Role.COORDINATOR or coordinator.disabled_at or not coordinator.email:
                continue
            key = dedupe_key(coordinator, today)
            if _already_queued(session, key):
                continue
            subject, body = compose(coordinator, lapses, link)
            try:
                with session.begin_nested():  # another copy of this job may have queued it just now
                    queue_email(
                        session, coordinator.email, subject, body, to_account=coordinator, dedupe_key=key
                    )
            except IntegrityError:
                continue
            queued += 1
    return queued


@digest_cli.command("send")
def digest_send() -> None:
    """Queue each coordinator's weekly digest of lapses (safe to run again: it sends once a week)."""
    from flask import current_app

    from app.extensions import db
    from app.models import utcnow
    from app.web.urls import absolute_url

    with current_app.test_request_context():
        link = absolute_url("staff.organisation_health")
    queued = send_digests(db.session, utcnow(), link)
    db.session.commit()
    click.echo(f"Queued {queued} digest(s).")
