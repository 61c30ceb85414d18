"""A supporter's private calendar feed: what they promised, as an ICS file (RFC 5545) for their phone.

- **The address** holds 32 random bytes; only their SHA-256 hash is kept. An account has at most one
  live feed: making a new one revokes the old, and a revoked address answers 404 at once.
- **What is in it** is worked out on every fetch, never stored: one all-day event for each time a
  commitment is due in the next 12 months (from the schedules, birthdays included; a day a supporter
  moved is shown on its new day), for each young person the supporter may see *now*: named on a
  commitment of an active plan, and allowed by the consent ledger. A young person's withdrawal
  therefore empties the feed on the next fetch.
- **What an event says**: only the young person's chosen name and the kind of promise ("Jay: Birthday
  call"). Never an address, a school, other supporters or staff notes. Each event's UID is stable
  (account, commitment, day), so fetching again never duplicates an event.
- **The file** is written here, by hand: text escaped, lines folded at 75 octets without splitting a
  character, CRLF line endings.

Domain code: the caller passes the session and the time, and commits.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, contains_eager, joinedload

from app.domain import audit, consent, schedules
from app.domain.consent import Action
from app.domain.tokens import hash_token, new_token
from app.models import (
    Account,
    CalendarFeed,
    Commitment,
    CommitmentStatus,
    NetworkMember,
    Occurrence,
    OccurrenceStatus,
    Plan,
    PlanStatus,
    Role,
    YoungPerson,
    commitment_supporters,
)

FEED_MONTHS = 12
LINE_OCTETS = 75  # RFC 5545 3.1: at most 75 octets a line, not counting the CRLF
CRLF = "\r\n"
TOKEN_LENGTH = 100  # anything longer is not one of ours
TOUCH_EVERY = timedelta(hours=1)  # "last used" is written at most this often
# Control characters have no place in TEXT (RFC 5545 3.3.11); a tab may stay.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# The feed's address


def create(session: Session, account: Account, now: datetime) -> str:
    """A new private address for ``account`` (the old one, if any, stops working). Returns the token."""
    replaced = revoke(session, account, now, audited=False)
    token = new_token()
    feed = CalendarFeed(account_id=account.id, token_hash=hash_token(token), created_at=now)
    session.add(feed)
    session.flush()
    audit.record(
        session,
        account,
        "calendar_feed.created",
        object_type="calendar_feed",
        object_public_id=feed.public_id,
        detail={"replaced": replaced},
    )
    return token


def revoke(session: Session, account: Account, now: datetime, audited: bool = True) -> int:
    """Stop every live address of ``account``. Returns how many there were."""
    stopped = session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.account_id == account.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if audited and stopped:
        audit.record(
            session,
            account,
            "calendar_feed.revoked",
            object_type="account",
            object_public_id=account.public_id,
            detail={"revoked": stopped},
        )
    return stopped


def live_feed(session: Session, account: Account) -> CalendarFeed | None:
    """The account's address that still works, if there is one (its token cannot be shown again)."""
    return session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.account_id == account.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
        .limit(1)
    )


def find(session: Session, token: str) -> CalendarFeed | None:
    """The live feed with this token, of an active supporter account, or None."""
    if not token or len(token) > TOKEN_LENGTH:
        return None
    feed = session.scalar(
        select(CalendarFeed)
        .options(joinedload(CalendarFeed.account))
        .where(CalendarFeed.token_hash == hash_token(token), CalendarFeed.revoked_at.is_(None))
    )
    if feed is None or not feed.account.is_active or feed.account.role is not Role.SUPPORTER:
        return None
    return feed


def needs_touch(feed: CalendarFeed, now: datetime) -> bool:
    return feed.last_used_at is None or now - feed.last_used_at >= TOUCH_EVERY


def touch(session: Session, feed_id: int, now: datetime) -> None:
    """Record that a calendar fetched the feed, with one UPDATE in the caller's write transaction."""
    session.execute(update(CalendarFeed).where(CalendarFeed.id == feed_id).values(last_used_at=now))


# What is in it


@dataclass(frozen=True)
class Occasion:
    """One day a supporter promised something: the young person's chosen name and the commitment."""

    uid: str
    on: date
    name: str
    commitment: Commitment


def months_later(day: date, months: int = FEED_MONTHS) -> date:
    """The same day ``months`` later (the month's last day when it is shorter): the feed's end, excluded.

    Excluding it keeps a yearly date from showing twice: today's birthday, and next year's.
    """
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def uid(account: Account, commitment: Commitment, on: date, domain: str) -> str:
    """The same for the same supporter, commitment and day on every fetch; it reveals none of them."""
    digest = hashlib.sha256(f"{account.public_id}/{commitment.public_id}/{on.isoformat()}".encode())
    return f"{digest.hexdigest()[:32]}@{domain}"


def promised(session: Session, account: Account, today: date) -> list[tuple[Commitment, NetworkMember]]:
    """The live commitments of active plans that name this supporter, for young people they may see."""
    rows = session.execute(
        select(Commitment, NetworkMember)
        .join(Plan, Commitment.plan_id == Plan.id)
        .join(commitment_supporters, commitment_supporters.c.commitment_id == Commitment.id)
        .join(NetworkMember, NetworkMember.id == commitment_supporters.c.network_member_id)
        .join(YoungPerson, YoungPerson.id == NetworkMember.young_person_id)
        .options(contains_eager(NetworkMember.young_person))
        .where(
            NetworkMember.account_id == account.id,
            Plan.status == PlanStatus.ACTIVE,
            Commitment.status == CommitmentStatus.ACTIVE,
            YoungPerson.closed_at.is_(None),
        )
        .order_by(YoungPerson.chosen_name, Commitment.id)
    ).all()
    allowed: dict[int, bool] = {}
    found = []
    for commitment, member in rows:
        if member.id not in allowed:
            state = consent.load_state(session, member.young_person)
            allowed[member.id] = consent.may(state, Action.SUPPORTER_SEES_YOUNG_PERSON, today, member=member)
        if allowed[member.id]:
            found.append((commitment, member))
    return found


def due_days(
    commitment: Commitment,
    young_person: YoungPerson,
    start: date,
    end: date,
    stored: dict[date, OccurrenceStatus] | None = None,
) -> list[date]:
    """The days the commitment is due from ``start`` to before ``end``: from its schedule, plus stored
    occurrences (a day a supporter moved it to), less the days it was moved away from."""
    stored = stored or {}
    try:
        dues = schedules.occurrences(
            schedules.Schedule.from_commitment(commitment),
            start,
            end - timedelta(days=1),
            born=young_person.date_of_birth,
            leap_birthday=young_person.leap_birthday,
        )
    except schedules.ScheduleError:
        dues = []  # a schedule that cannot happen has no days; the coordinator is told elsewhere
    days = {due.due_on for due in dues} | {day for day in stored if start <= day < end}
    return sorted(day for day in days if stored.get(day) is not OccurrenceStatus.MOVED)


def occasions(session: Session, account: Account, today: date, domain: str) -> list[Occasion]:
    """Every day in the next ``FEED_MONTHS`` months this supporter promised something, earliest first."""
    start, end = today, months_later(today)
    mine = promised(session, account, today)
    stored: dict[int, dict[date, OccurrenceStatus]] = {}
    if mine:
        for commitment_id, due_on, status in session.execute(
            select(Occurrence.commitment_id, Occurrence.due_on, Occurrence.status).where(
                Occurrence.commitment_id.in_([c.id for c, _member in mine]),
                Occurrence.due_on >= start,
                Occurrence.due_on < end,
            )
        ):
            stored.setdefault(commitment_id, {})[due_on] = status
    found = [
        Occasion(uid(account, commitment, day, domain), day, member.young_person.chosen_name, commitment)
        for commitment, member in mine
        for day in due_days(commitment, member.young_person, start, end, stored.get(commitment.id))
    ]
    return sorted(found, key=lambda occasion: (occasion.on, occasion.name, occasion.commitment.id))


# The file


@dataclass(frozen=True)
class Event:
    """An all-day event as the file says it."""

    uid: str
    on: date
    summary: str
    description: str = ""


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROLS.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at ``LINE_OCTETS`` octets (RFC 5545 3.1), never inside a character.

    Each continuation starts with a space, which counts towards its 75 octets.
    """
    if len(line.encode()) <= LINE_OCTETS:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for character in line:
        octets = len(character.encode())
        if size + octets > LINE_OCTETS:
            pieces.append("".join(current))
            current, size = [], 1  # the space that starts the next line
        current.append(character)
        size += octets
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: Event, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{event.on:%Y%m%d}",
        f"DTEND;VALUE=DATE:{event.on + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def render(events: Iterable[Event], *, name: str, now: datetime, product: str) -> str:
    """The whole VCALENDAR: every line folded, each ending in CRLF."""
    stamp = _stamp(now)
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{product}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        # Hints for how often to fetch again (RFC 7986, and the name Apple and Microsoft read).
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "X-PUBLISHED-TTL:PT6H",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
