"""Closing a care leaver's account: what is erased for good, what the council must keep, and why.

``DECISIONS`` names every table that can hold a young person's data (found from the foreign keys by
``app.domain.personal_data``), so a new table fails the erasure test until someone decides, in words a
young person can read, whether it is erased or kept.

Kept for the young person's sake or by law: the consent ledger, the audit trail and the council's case
record (care records are kept until the person's 75th birthday). Erased: their journey book with every
photo, how they sign in, their settings, messages to them or about them, and the words they wrote for a
review that has not happened yet. The account row stays, emptied and disabled, because consent and audit
rows name it as the one who acted; the young person's record is unlinked from it and marked erased.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from app.domain import audit, photos, schedules
from app.domain.consent import ADULT_AGE, age_on
from app.models import (
    Account,
    CalendarFeed,
    CaseStatus,
    IdempotencyKey,
    Invitation,
    JourneyEntry,
    JourneyPhoto,
    LegalStatus,
    OutboxMessage,
    Passkey,
    PushSubscription,
    ReminderSettings,
    Review,
    SignInLink,
    UserSession,
    WebAuthnChallenge,
    YoungPerson,
    journey_entry_people,
)

ERASE = "erase"
KEEP = "keep"
CLOSED_ACCOUNT_NAME = "Closed account"  # stored data, seen only by staff next to old records
CARE_LEAVERS = frozenset({LegalStatus.CARE_LEAVER, LegalStatus.SELF_REFERRED})


@dataclass(frozen=True)
class Decision:
    """What happens to one table's rows: erased (``reason`` says how) or kept (``reason`` says why)."""

    action: str  # ERASE or KEEP
    what: LazyString  # what the table holds, in the young person's words
    reason: LazyString


class Explanation(NamedTuple):
    what: str
    reason: str
    action: str


def _erase(what: LazyString, how: LazyString) -> Decision:
    return Decision(ERASE, what, how)


def _keep(what: LazyString, why: LazyString) -> Decision:
    return Decision(KEEP, what, why)


_BOOK = _erase(
    _l("Your journey book: every page, photo and memory, including memories your people sent you"),
    _l("Erased straight away, photos too. Pages you shared are gone for everyone."),
)
_SIGN_IN = _erase(
    _l("How you sign in: your passkeys, sign-in links and invitations, and the phones you're signed in on"),
    _l("Erased. You are signed out everywhere, and nobody can sign in as you again."),
)
_MESSAGES = _erase(
    _l("Your reminder and notification settings, calendar links, and messages to you or about you"),
    _l("Erased. Nothing more will be sent to you, or to your people about you."),
)
_CONSENT = _keep(
    _l("The record of what you agreed to and when"),
    _l(
        "The law asks us to keep it, so we can show we only did what you said yes to. It includes who you "
        "chose to share book pages with, but the pages themselves are erased."
    ),
)
_CASE_RECORD = _keep(
    _l("The council's record of your Lifelong Links work: your people, family tree, places, plan and wishes"),
    _l(
        "Councils must keep the records of children in care until they turn 75. Only the council's staff "
        "can look at it now, and nobody can add to it through this app."
    ),
)
_REVIEWS = _keep(
    _l("Your reviews"),
    _l(
        "Reviews that have happened are part of the council's record, which is kept until you turn 75. "
        "Anything you wrote for a review that hasn't happened yet is erased."
    ),
)
_AUDIT = _keep(
    _l("A list of who looked at or changed your records"),
    _l("We keep it to keep you safe, and it is never changed."),
)
_ACCOUNT = _keep(
    _l("Your account, emptied"),
    _l(
        "Your name, e-mail address and phone number are erased, and it can never be used again. It just "
        "says “Closed account”, so the record of what you agreed to, and who changed your records, still "
        "makes sense."
    ),
)

DECISIONS: dict[str, Decision] = {
    # Erased: theirs alone.
    "journey_entries": _BOOK,
    "journey_entry_people": _BOOK,
    "journey_photos": _BOOK,
    "passkeys": _SIGN_IN,
    "user_sessions": _SIGN_IN,
    "sign_in_links": _SIGN_IN,
    "webauthn_challenges": _SIGN_IN,
    "invitations": _SIGN_IN,
    "idempotency_keys": _SIGN_IN,
    "push_subscriptions": _MESSAGES,
    "calendar_feeds": _MESSAGES,
    "reminder_settings": _MESSAGES,
    "outbox_messages": _MESSAGES,
    # Kept: the law, their safety, and the council's case record.
    "consent_events": _CONSENT,
    "audit_events": _AUDIT,
    "accounts": _ACCOUNT,
    "young_people": _CASE_RECORD,
    "referrals": _CASE_RECORD,
    "network_members": _CASE_RECORD,
    "contact_log": _CASE_RECORD,
    "family_links": _CASE_RECORD,
    "places": _CASE_RECORD,
    "place_people": _CASE_RECORD,
    "objectives": _CASE_RECORD,
    "network_snapshots": _CASE_RECORD,
    "plans": _CASE_RECORD,
    "commitments": _CASE_RECORD,
    "commitment_supporters": _CASE_RECORD,
    "occurrences": _CASE_RECORD,
    "confirmations": _CASE_RECORD,
    "reviews": _REVIEWS,
}


class NotAllowed(Exception):
    """Only care leavers and adults may close their account: the council keeps a child in care's records."""


@dataclass
class Summary:
    """How many rows went from each table (no personal words), and the photo files removed."""

    counts: dict[str, int] = field(default_factory=dict)
    photo_names: list[str] = field(default_factory=list)


def who_may_close(young_person: YoungPerson, today: date) -> bool:
    """Care leavers (including care-experienced adults who referred themselves) and anyone 18 or over."""
    if young_person.erased_at is not None:
        return False
    return young_person.legal_status in CARE_LEAVERS or age_on(young_person.date_of_birth, today) >= ADULT_AGE


def explain(young_person: YoungPerson) -> list[Explanation]:
    """Each thing erased or kept, once, in the reader's language: erased first, then kept."""
    decisions = list(dict.fromkeys(DECISIONS.values()))  # each said once, in the order first named
    if young_person.account is None:
        decisions = [decision for decision in decisions if decision is not _ACCOUNT]
    lines = [Explanation(str(d.what), str(d.reason), d.action) for d in decisions]
    lines.append(
        Explanation(
            str(_l("What you wrote for a review that hasn't happened yet")),
            str(_l("Erased, so it won't be read out at the review.")),
            ERASE,
        )
    )
    return [line for line in lines if line.action == ERASE] + [line for line in lines if line.action == KEEP]


def erase(
    session: Session, young_person: YoungPerson, *, actor: Account, now: datetime, photo_dir: Path
) -> Summary:
    """Erase what is theirs to erase and keep the rest, in one transaction; then remove the photo files.

    Commits. Raises ``NotAllowed`` for a child in care (their coordinator can explain why).
    """
    if not who_may_close(young_person, schedules.today_in(young_person.timezone, now)):
        raise NotAllowed(young_person.public_id)
    summary = Summary()
    account = young_person.account
    counts = summary.counts

    entries = select(JourneyEntry.id).where(JourneyEntry.young_person_id == young_person.id)
    summary.photo_names = list(
        session.scalars(select(JourneyPhoto.storage_name).where(JourneyPhoto.entry_id.in_(entries)))
    )
    counts["journey_entry_people"] = _run(
        session, delete(journey_entry_people).where(journey_entry_people.c.entry_id.in_(entries))
    )
    photo_rows = delete(JourneyPhoto).where(JourneyPhoto.entry_id.in_(entries))
    counts["journey_photos"] = _run(session, photo_rows)
    counts["journey_entries"] = _run(
        session, delete(JourneyEntry).where(JourneyEntry.young_person_id == young_person.id)
    )
    counts["review_words"] = _run(
        session,
        update(Review)
        .where(
            Review.young_person_id == young_person.id,
            Review.held_on.is_(None),
            Review.young_person_words.is_not(None),
        )
        .values(young_person_words=None),
    )
    to_them = [OutboxMessage.young_person_id == young_person.id]
    for_them = [Invitation.young_person_id == young_person.id]
    if account is not None:
        to_them.append(OutboxMessage.to_account_id == account.id)
        for_them.append(Invitation.account_id == account.id)
    counts["outbox_messages"] = _run(session, delete(OutboxMessage).where(or_(*to_them)))
    counts["invitations"] = _run(session, delete(Invitation).where(or_(*for_them)))
    if account is not None:
        _close_account(session, account, now, counts)

    young_person.account_id = None
    young_person.erased_at = now
    young_person.closed_at = young_person.closed_at or now
    young_person.status = CaseStatus.CLOSED
    audit.record(
        session,
        actor,
        "account.erased",
        object_type="young_person",
        object_public_id=young_person.public_id,
        young_person_id=young_person.id,
        organisation_id=young_person.organisation_id,
        detail={**counts, "photo_files": len(summary.photo_names)},
    )
    session.commit()
    for name in summary.photo_names:  # files go only once the rows are gone for certain
        photos.remove(photo_dir, name)
    return summary


_ACCOUNT_TABLES = (
    Passkey,
    UserSession,
    SignInLink,
    WebAuthnChallenge,
    PushSubscription,
    CalendarFeed,
    ReminderSettings,
    IdempotencyKey,
)


def _close_account(session: Session, account: Account, now: datetime, counts: dict[str, int]) -> None:
    """Sign out everywhere and forget every way in; keep the row, emptied, for consent and audit rows."""
    for model in _ACCOUNT_TABLES:
        counts[model.__tablename__] = _run(session, delete(model).where(model.account_id == account.id))
    account.display_name = CLOSED_ACCOUNT_NAME
    account.email = None
    account.phone = None
    account.language = None
    account.timezone = None
    account.last_sign_in_at = None
    account.user_handle = secrets.token_bytes(64)  # a passkey left on a phone points at nobody
    account.disabled_at = now
    session.flush()
    session.expire(account, ["passkeys"])


def _run(session: Session, statement) -> int:
    return session.execute(statement.execution_options(synchronize_session="fetch")).rowcount
