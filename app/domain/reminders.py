"""Reminders for supporters, and the e-mail's one-tap "I did it" link.

Each supporter chooses how (e-mail and/or web push) and when (on the day, or 1, 2, 3 or 7 days
before; no settings row means e-mail, 3 days before and on the day). ``flask reminders send`` runs
daily: it brings occurrences up to date, marks closed windows missed, then for each occurrence still
due whose due date minus a chosen number of days is *today where the supporter is* (their account's
time zone, else the young person's), queues one e-mail and one push message per browser.

- Every message goes through the outbox with a dedupe key, ``reminder:<occurrence>:<member>:<days>``
  (push: ``…:push:<subscription>``): running twice, or two copies at once, queues each message once
  (the UNIQUE key decides a race; the loser's savepoint rolls back and it moves on).
- Each message is tied to the young person (``young_person_id``): a withdrawal stops it at once,
  even if it is already queued, because the outbox asks the consent ledger again before sending.
- A reminder names the young person's chosen name and what is due, nothing else, in the
  supporter's language.
- Each e-mail carries the one-tap "I did it" link (``app.domain.one_tap``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import Flask, url_for
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.config import format_locale
from app.domain import consent, occurrences, one_tap, outbox, push, schedules
from app.models import (
    Account,
    Commitment,
    CommitmentStatus,
    NetworkMember,
    Occurrence,
    OccurrenceStatus,
    OutboxMessage,
    Plan,
    PlanStatus,
    PushSubscription,
    ReminderSettings,
    Role,
    YoungPerson,
    commitment_supporters,
    utcnow,
)
from app.models.reminders import DEFAULT_DAYS_BEFORE
from app.plan_words import kind_label

DAY_CHOICES = (0, 1, 2, 3, 7)  # on the day, and 1, 2, 3 or 7 days before
# Only one copy of ``sync`` at a time on PostgreSQL: it adds occurrences without asking who else is.
SYNC_LOCK = 7_302_114_516


# Settings


@dataclass(frozen=True)
class Choice:
    by_email: bool
    by_push: bool
    days_before: tuple[int, ...]


def settings_for(session: Session, account: Account) -> Choice:
    row = session.scalar(select(ReminderSettings).where(ReminderSettings.account_id == account.id))
    return _choice(row)


def _choice(row: ReminderSettings | None) -> Choice:
    if row is None:
        return Choice(True, False, tuple(DEFAULT_DAYS_BEFORE))
    days = tuple(sorted({d for d in (row.days_before or []) if d in DAY_CHOICES}, reverse=True))
    return Choice(bool(row.by_email), bool(row.by_push), days)


def save_settings(
    session: Session, account: Account, *, by_email: bool, by_push: bool, days_before
) -> ReminderSettings:
    days = sorted({int(d) for d in days_before}, reverse=True)
    if any(d not in DAY_CHOICES for d in days):
        raise ValueError(f"days before must be among {DAY_CHOICES}")
    row = session.scalar(select(ReminderSettings).where(ReminderSettings.account_id == account.id))
    if row is None:
        row = ReminderSettings(account_id=account.id)
        session.add(row)
    row.by_email, row.by_push, row.days_before = by_email, by_push, days
    session.flush()
    return row


def turn_on_push(session: Session, account: Account) -> None:
    """Turning notifications on in a browser means "remind me this way" too."""
    choice = settings_for(session, account)
    if not choice.by_push:
        save_settings(
            session, account, by_email=choice.by_email, by_push=True, days_before=choice.days_before
        )


# Time


def supporter_zone(account: Account, young_person: YoungPerson) -> str:
    return account.timezone or young_person.timezone


def supporter_today(account: Account, young_person: YoungPerson, now: datetime) -> date:
    return schedules.today_in(supporter_zone(account, young_person), now)


def earliest_today(now: datetime) -> date:
    """The date where it is earliest (UTC-12): a window has closed everywhere once this passes it."""
    return (now.astimezone(UTC) - timedelta(hours=12)).date()


# What is due today


@dataclass(frozen=True)
class Due:
    occurrence: Occurrence
    commitment: Commitment
    member: NetworkMember
    young_person: YoungPerson
    account: Account
    days: int
    today: date
    choice: Choice

    @property
    def dedupe_key(self) -> str:
        return f"reminder:{self.occurrence.id}:{self.member.id}:{self.days}"


def due_reminders(session: Session, now: datetime) -> list[Due]:
    """Every (occurrence, supporter, days before) whose reminder day is today where the supporter is."""
    utc_today = now.astimezone(UTC).date()
    rows = session.execute(
        select(Occurrence, Commitment, NetworkMember, YoungPerson, Account)
        .join(Commitment, Occurrence.commitment_id == Commitment.id)
        .join(Plan, Commitment.plan_id == Plan.id)
        .join(YoungPerson, Plan.young_person_id == YoungPerson.id)
        .join(commitment_supporters, commitment_supporters.c.commitment_id == Commitment.id)
        .join(NetworkMember, NetworkMember.id == commitment_supporters.c.network_member_id)
        .join(Account, Account.id == NetworkMember.account_id)
        .where(
            Occurrence.status == OccurrenceStatus.DUE,
            # Today is within a day of UTC's everywhere; the longest wait is 7 days.
            Occurrence.due_on >= utc_today - timedelta(days=1),
            Occurrence.due_on <= utc_today + timedelta(days=max(DAY_CHOICES) + 1),
            Plan.status == PlanStatus.ACTIVE,
            Commitment.status == CommitmentStatus.ACTIVE,
            YoungPerson.closed_at.is_(None),
            Account.role == Role.SUPPORTER,
            Account.disabled_at.is_(None),
        )
        .order_by(Occurrence.id, NetworkMember.id)
    ).all()
    if not rows:
        return []
    settings = {
        row.account_id: row
        for row in session.scalars(
            select(ReminderSettings).where(ReminderSettings.account_id.in_({r[4].id for r in rows}))
        )
    }
    states: dict[int, consent.ConsentState] = {}
    found = []
    for occurrence, commitment, member, young_person, account in rows:
        choice = _choice(settings.get(account.id))
        if not (choice.by_email or choice.by_push):
            continue
        today = supporter_today(account, young_person, now)
        days = [d for d in choice.days_before if occurrence.due_on - timedelta(days=d) == today]
        if not days:
            continue
        if young_person.id not in states:
            states[young_person.id] = consent.load_state(session, young_person)
        if not consent.may(states[young_person.id], consent.Action.SEND_MESSAGES, today, member=member):
            continue
        found.extend(
            Due(occurrence, commitment, member, young_person, account, d, today, choice) for d in days
        )
    return found


# The words


def language_of(account: Account, young_person: YoungPerson) -> str:
    return account.language or young_person.organisation.default_language or "en"


def what_is_due(commitment: Commitment) -> str:
    return kind_label(commitment)


def when_line(due: Due) -> str:
    what, name = what_is_due(due.commitment), due.young_person.chosen_name
    day = format_date(due.occurrence.due_on, "full")
    if due.days == 0:
        return _("%(what)s for %(name)s: today, %(date)s.", what=what, name=name, date=day)
    if due.days == 1:
        return _("%(what)s for %(name)s: tomorrow, %(date)s.", what=what, name=name, date=day)
    return ngettext(
        "%(what)s for %(name)s: in %(num)d day, on %(date)s.",
        "%(what)s for %(name)s: in %(num)d days, on %(date)s.",
        due.days,
        what=what,
        name=name,
        date=day,
    )


def reminder_email(due: Due, link: str) -> tuple[str, str]:
    """(subject, body) in the current locale: the chosen name and what is due, nothing else."""
    commitment, name = due.commitment, due.young_person.chosen_name
    subject = _("Reminder: %(what)s for %(name)s", what=what_is_due(commitment), name=name)
    parts = [
        _("Hello %(name)s,", name=due.account.display_name),
        when_line(due),
        _("What you promised: %(description)s", description=commitment.description),
        _(
            "Done it? Press this link and then the button, and %(name)s will see it. "
            "It works once, until %(date)s:",
            name=name,
            date=format_date(due.occurrence.window_ends_on, "long"),
        )
        + "\n"
        + link,
        _("You can change how and when we remind you in Lifelong Links, under “Reminders”."),
    ]
    return subject, "\n\n".join(parts)


def reminder_push(due: Due) -> tuple[str, str]:
    return _("Lifelong Links reminder"), when_line(due)


# Queueing


@dataclass
class Queued:
    emails: int = 0
    pushes: int = 0


def _queue_once(session: Session, queue, *args, **values) -> bool:
    """Queue one message in a savepoint: False if its dedupe key is already there (another copy won)."""
    try:
        with session.begin_nested():
            queue(session, *args, **values)
    except IntegrityError:
        return False
    return True


def queue_due(session: Session, now: datetime, *, secret: str, push_ready: bool) -> Queued:
    """Queue today's reminders (call in a request context, for the links and the language)."""
    found = due_reminders(session, now)
    queued = Queued()
    if not found:
        return queued
    keys = {d.dedupe_key for d in found}
    subscriptions: dict[int, list[PushSubscription]] = {}
    if push_ready:
        for subscription in session.scalars(
            select(PushSubscription)
            .where(PushSubscription.account_id.in_({d.account.id for d in found}))
            .order_by(PushSubscription.id)
        ):
            subscriptions.setdefault(subscription.account_id, []).append(subscription)
            keys |= {
                f"{d.dedupe_key}:push:{subscription.id}"
                for d in found
                if d.account.id == subscription.account_id
            }
    existing = set(
        session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys)))
    )
    for due in sorted(found, key=lambda d: d.dedupe_key):  # the same order in every copy
        choice = due.choice
        with force_locale(format_locale(language_of(due.account, due.young_person))):
            if choice.by_email and due.account.email and due.dedupe_key not in existing:
                zone = supporter_zone(due.account, due.young_person)
                link = one_tap.link(secret, due.occurrence, due.account, zone)
                subject, body = reminder_email(due, link)
                if _queue_once(
                    session,
                    outbox.queue_email,
                    due.account.email,
                    subject,
                    body,
                    to_account=due.account,
                    young_person_id=due.young_person.id,
                    dedupe_key=due.dedupe_key,
                ):
                    queued.emails += 1
            if not choice.by_push:
                continue
            title, body = reminder_push(due)
            for subscription in subscriptions.get(due.account.id, []):
                key = f"{due.dedupe_key}:push:{subscription.id}"
                if key in existing:
                    continue
                if _queue_once(
                    session,
                    push.queue_push,
                    subscription,
                    title,
                    body,
                    url_for("supporters.home"),
                    young_person_id=due.young_person.id,
                    dedupe_key=key,
                    now=now,
                ):
                    queued.pushes += 1
    return queued


# The daily run


@dataclass
class RunResult:
    added: int
    closed: int
    emails: int
    pushes: int
    pushed: int


def _sync_lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SYNC_LOCK})


def run(app: Flask, now: datetime | None = None) -> RunResult:
    """Sync occurrences, close windows, queue today's reminders, send the push messages that are due.

    Each step is its own short transaction; every step is safe to repeat and to run in two copies.
    E-mails are sent by ``flask outbox send``.
    """
    now = now or utcnow()
    engine = app.extensions["db"]
    with Session(bind=engine, expire_on_commit=False) as session, session.begin():
        _sync_lock(session)
        added = occurrences.sync_all(
            session, lambda young_person: schedules.today_in(young_person.timezone, now)
        )
        closed = occurrences.close_windows(session, earliest_today(now))
    with (
        app.test_request_context(),
        Session(bind=engine, expire_on_commit=False) as session,
        session.begin(),
    ):
        queued = queue_due(
            session, now, secret=app.config["SECRET_KEY"], push_ready=push.is_configured(app.config)
        )
    pushed = push.send_pending(app, now)
    return RunResult(added, closed, queued.emails, queued.pushes, pushed)
