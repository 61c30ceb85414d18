"""The journey book: the young person's own story, and memories their people send them.

An entry is private by default. Who else may see it is a sharing choice in the consent ledger, one
scope per entry and audience (``entry:<id>:coordinator`` or ``entry:<id>:member:<id>``), so changing
their mind takes effect on the very next request, like every other choice they make.

A supporter's contribution waits for the young person, who accepts it into the book, asks for a
change, or declines it. Deleting an entry hides it at once and removes it for good after 30 days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.consent_wording import shown
from app.domain import audit, consent, photos
from app.domain.consent import Action, ConsentState
from app.models import (
    Account,
    AuthorRole,
    Channel,
    ConsentKind,
    DatePrecision,
    Decision,
    EntryKind,
    EntryStatus,
    JourneyEntry,
    JourneyPhoto,
    NetworkMember,
    YoungPerson,
)

KEEP_DELETED_FOR = timedelta(days=30)
COORDINATOR = "coordinator"
MAX_PHOTOS = 6


class Conflict(Exception):
    """Someone saved this entry from another device after this form was opened."""

    def __init__(self, entry: JourneyEntry):
        super().__init__("the entry changed since it was opened")
        self.entry = entry


@dataclass(frozen=True)
class Audience:
    """Someone the young person may share an entry with: their coordinator, or one of their supporters."""

    key: str  # "coordinator" or "member:<public id>"
    name: str
    member: NetworkMember | None = None


@dataclass
class Draft:
    """What a form says about an entry; the same for a young person's own entry and a supporter's memory."""

    kind: EntryKind
    title: str
    body: str = ""
    happened_on: date | None = None
    precision: DatePrecision = DatePrecision.DAY
    people: list[NetworkMember] | None = None


def share_scope(entry: JourneyEntry, audience: str) -> str:
    return f"entry:{entry.public_id}:{audience}"


def audiences(state: ConsentState, on: date) -> list[Audience]:
    """Who an entry could be shared with now: the coordinator, and supporters who may see the young person."""
    young_person = state.young_person
    found = []
    if young_person.coordinator is not None:
        found.append(Audience(COORDINATOR, young_person.coordinator.display_name))
    for member in young_person.network:
        if member.account_id and consent.may(state, Action.SUPPORTER_SEES_YOUNG_PERSON, on, member=member):
            found.append(Audience(consent.member_scope(member), member.name, member))
    return found


def shared_with(state: ConsentState, entry: JourneyEntry) -> set[str]:
    """The audiences this entry is shared with, as the ledger says now (whether or not they may look now)."""
    prefix = share_scope(entry, "")
    return {
        scope.removeprefix(prefix)
        for (kind, scope), event in state.latest.items()
        if kind is ConsentKind.SHARING and scope.startswith(prefix) and event.decision is Decision.GIVEN
    }


def set_sharing(
    session: Session, state: ConsentState, entry: JourneyEntry, chosen: Iterable[str], *, actor: Account, now
) -> None:
    """Record only what changed: sharing given to the newly chosen, withdrawn from the unchosen."""
    allowed = {audience.key for audience in audiences(state, now.date())}
    chosen = set(chosen) & allowed
    before = shared_with(state, entry)
    for key, decision in [(k, Decision.GIVEN) for k in sorted(chosen - before)] + [
        (k, Decision.WITHDRAWN) for k in sorted(before - chosen)
    ]:
        event = consent.record(
            session,
            state.young_person,
            ConsentKind.SHARING,
            decision,
            actor=actor,
            channel=Channel.APP,
            wording=shown("share_entry"),
            now=now,
            scope=share_scope(entry, key),
        )
        state.latest[(ConsentKind.SHARING, event.scope)] = event


def may_see(session: Session, actor: Account, entry: JourneyEntry, on: date) -> bool:
    """THE rule for who may see an entry and its photos. Everyone else is told it does not exist."""
    young_person = entry.young_person
    if young_person.erased_at is not None:
        return False
    if actor.id == young_person.account_id:
        return entry.status is not EntryStatus.DECLINED
    if actor.is_staff:
        if actor.id != young_person.coordinator_id or not _in_book(entry):
            return False
        state = consent.load_state(session, young_person)
        return consent.may(state, Action.SHARE, on, item=share_scope(entry, COORDINATOR))
    member = supporter_place(session, actor, young_person)
    if member is None:
        return False
    state = consent.load_state(session, young_person)
    if not consent.may(state, Action.SUPPORTER_SEES_YOUNG_PERSON, on, member=member):
        return False
    if entry.author_account_id == actor.id and entry.author_role is AuthorRole.SUPPORTER:
        return entry.deleted_at is None  # their own memory, whatever the young person decided
    return _in_book(entry) and consent.may(
        state, Action.SHARE, on, item=share_scope(entry, consent.member_scope(member))
    )


def _in_book(entry: JourneyEntry) -> bool:
    return entry.status is EntryStatus.IN_BOOK and entry.deleted_at is None


def supporter_place(session: Session, actor: Account, young_person: YoungPerson) -> NetworkMember | None:
    return session.scalar(
        select(NetworkMember).where(
            NetworkMember.young_person_id == young_person.id, NetworkMember.account_id == actor.id
        )
    )


def _entries(session: Session, young_person: YoungPerson):
    return (
        select(JourneyEntry)
        .where(JourneyEntry.young_person_id == young_person.id)
        .options(selectinload(JourneyEntry.photos), selectinload(JourneyEntry.people))
    )


def sort_key(entry: JourneyEntry) -> tuple:
    """By when it happened (undated memories sit where they were written), then when it was added."""
    return (entry.happened_on or entry.created_at.date(), entry.created_at)


def book(session: Session, young_person: YoungPerson, order: str = "newest") -> list[JourneyEntry]:
    """The book itself: entries in it and not deleted, newest added first or by the date of the memory."""
    entries = list(
        session.scalars(
            _entries(session, young_person).where(
                JourneyEntry.status == EntryStatus.IN_BOOK, JourneyEntry.deleted_at.is_(None)
            )
        )
    )
    if order == "memory":
        return sorted(entries, key=sort_key, reverse=True)
    return sorted(entries, key=lambda entry: (entry.created_at, entry.id), reverse=True)


def shared_book(state: ConsentState, entries: list[JourneyEntry], audience: str, on: date):
    """The entries of the book one audience may see now."""
    return [e for e in entries if consent.may(state, Action.SHARE, on, item=share_scope(e, audience))]


def waiting(
    session: Session, young_person: YoungPerson, statuses=(EntryStatus.AWAITING_YOUNG_PERSON,)
) -> list[JourneyEntry]:
    """Supporters' memories waiting for the young person to decide (or, with ``statuses``, for a change)."""
    query = _entries(session, young_person).where(
        JourneyEntry.status.in_(statuses), JourneyEntry.deleted_at.is_(None)
    )
    return list(session.scalars(query.order_by(JourneyEntry.created_at)))


def waiting_count(session: Session, young_person: YoungPerson) -> int:
    """How many memories wait for the young person: one count, for the book's front page."""
    return session.scalar(
        select(func.count(JourneyEntry.id)).where(
            JourneyEntry.young_person_id == young_person.id,
            JourneyEntry.status == EntryStatus.AWAITING_YOUNG_PERSON,
            JourneyEntry.deleted_at.is_(None),
        )
    )


def recently_deleted(session: Session, young_person: YoungPerson) -> list[JourneyEntry]:
    return list(
        session.scalars(
            _entries(session, young_person)
            .where(JourneyEntry.deleted_at.is_not(None))
            .order_by(JourneyEntry.deleted_at.desc())
        )
    )


def contributions_by(session: Session, member: NetworkMember) -> list[JourneyEntry]:
    """What this supporter has sent to this young person, newest first."""
    return list(
        session.scalars(
            _entries(session, member.young_person)
            .where(
                JourneyEntry.author_account_id == member.account_id,
                JourneyEntry.author_role == AuthorRole.SUPPORTER,
                JourneyEntry.deleted_at.is_(None),
            )
            .order_by(JourneyEntry.created_at.desc())
        )
    )


def add(
    session: Session,
    young_person: YoungPerson,
    draft: Draft,
    *,
    actor: Account,
    role: AuthorRole,
    stored: list[photos.StoredPhoto] = (),
) -> JourneyEntry:
    entry = JourneyEntry(
        young_person=young_person,
        author=actor,
        author_role=role,
        # The young person's own entries go straight into their book; anyone else's waits for them.
        status=EntryStatus.IN_BOOK if role is AuthorRole.YOUNG_PERSON else EntryStatus.AWAITING_YOUNG_PERSON,
    )
    _apply(entry, draft)
    entry.photos = [_photo(photo, position) for position, photo in enumerate(stored)]
    session.add(entry)
    session.flush()
    _audit(session, actor, entry, "journey.entry_added", role=role.value, photos=len(stored))
    return entry


def _photo(stored: photos.StoredPhoto, position: int) -> JourneyPhoto:
    return JourneyPhoto(
        storage_name=stored.storage_name,
        width=stored.width,
        height=stored.height,
        size_bytes=stored.size_bytes,
        position=position,
    )


def _apply(entry: JourneyEntry, draft: Draft) -> None:
    entry.kind = draft.kind
    entry.title = draft.title.strip()
    entry.body = draft.body.strip()
    entry.happened_on = draft.happened_on
    entry.date_precision = draft.precision
    if draft.people is not None:
        entry.people = list(draft.people)


def edit(
    session: Session,
    entry: JourneyEntry,
    draft: Draft,
    *,
    seen_version: int,
    actor: Account,
    stored: list[photos.StoredPhoto] = (),
    remove_photos: Iterable[str] = (),
) -> JourneyEntry:
    """Save an edit made to the version the person saw; if another device saved since, raise Conflict.

    The version check covers two phones hours apart; the version column catches two saves at once.
    """
    if entry.version != seen_version:
        if _same(entry, draft) and not stored and not remove_photos:
            return entry  # the very same words sent twice (a double tap): nothing to do, nothing lost
        raise Conflict(entry)
    _apply(entry, draft)
    removing = set(remove_photos)
    kept = [photo for photo in entry.photos if photo.public_id not in removing]
    entry.photos = kept + [_photo(photo, len(kept) + i) for i, photo in enumerate(stored)]
    if entry.status is EntryStatus.CHANGE_ASKED and entry.author_role is AuthorRole.SUPPORTER:
        entry.status = EntryStatus.AWAITING_YOUNG_PERSON  # changed as asked: it waits for them again
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        session.refresh(entry)
        raise Conflict(entry) from None
    _audit(session, actor, entry, "journey.entry_changed", photos_removed=len(removing))
    return entry


def _same(entry: JourneyEntry, draft: Draft) -> bool:
    return (entry.kind, entry.title, entry.body, entry.happened_on, entry.date_precision) == (
        draft.kind,
        draft.title.strip(),
        draft.body.strip(),
        draft.happened_on,
        draft.precision,
    ) and (draft.people is None or set(draft.people) == set(entry.people))


def answer(
    session: Session, entry: JourneyEntry, choice: str, *, actor: Account, now, note: str = ""
) -> None:
    """The young person's answer to a supporter's memory: "accept", "change" (with a note) or "decline"."""
    if entry.status is not EntryStatus.AWAITING_YOUNG_PERSON:
        raise ValueError("this memory is not waiting for an answer")
    entry.status = {
        "accept": EntryStatus.IN_BOOK,
        "change": EntryStatus.CHANGE_ASKED,
        "decline": EntryStatus.DECLINED,
    }[choice]
    entry.young_person_note = note.strip() or None if choice == "change" else None
    entry.answered_at = now
    session.flush()
    _audit(session, actor, entry, f"journey.contribution_{choice}")


def delete(session: Session, entry: JourneyEntry, *, actor: Account, now: datetime) -> None:
    entry.deleted_at = now
    session.flush()
    _audit(session, actor, entry, "journey.entry_deleted")


def restore(session: Session, entry: JourneyEntry, *, actor: Account) -> None:
    entry.deleted_at = None
    session.flush()
    _audit(session, actor, entry, "journey.entry_restored")


def purge(session: Session, now: datetime, photo_dir: Path) -> int:
    """Remove for good what was deleted more than 30 days ago: the entry, its photos and their files."""
    old = list(
        session.scalars(
            select(JourneyEntry)
            .where(JourneyEntry.deleted_at.is_not(None), JourneyEntry.deleted_at < now - KEEP_DELETED_FOR)
            .options(selectinload(JourneyEntry.photos))
        )
    )
    names = [photo.storage_name for entry in old for photo in entry.photos]
    for entry in old:
        audit.record(
            session,
            None,
            "journey.entry_purged",
            object_type="journey_entry",
            object_public_id=entry.public_id,
            young_person_id=entry.young_person_id,
        )
        session.delete(entry)
    session.flush()
    session.commit()
    for name in names:  # files go only once the rows are gone for certain
        photos.remove(photo_dir, name)
    return len(old)


def _audit(session: Session, actor: Account, entry: JourneyEntry, action: str, **detail) -> None:
    audit.record(
        session,
        actor,
        action,
        object_type="journey_entry",
        object_public_id=entry.public_id,
        young_person_id=entry.young_person_id,
        organisation_id=entry.young_person.organisation_id,
        detail=detail or None,
    )
