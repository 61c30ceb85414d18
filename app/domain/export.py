"""Download everything: the young person's journey book to keep, and all that the app holds about them.

The ZIP holds ``book.html`` (the book as a page that opens without internet), ``photos/`` (as stored:
already JPEGs, so not compressed again), ``data.json`` (everything, as data; its shape is
``app/schemas/export.schema.json``) and ``README.txt``. ``TABLES`` decides, for every table with data
about a young person, where it appears in data.json (a dotted path) or why it is not included; a test
compares it with ``personal_data.about_young_person``, so a new table fails until someone decides.

Never in the ZIP: other people's contact details and addresses, staff notes, safety reasons, the name
on the council's records, placement address and school, people the coordinator decided not to show
them, passkey credential ids and keys.
"""

from __future__ import annotations

import enum
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import book_words
from app.book_text import render
from app.config import RTL_LANGUAGES, format_locale
from app.domain import consent, journey, network, permissions, photos, plans, reviews
from app.domain.schedules import today_in
from app.models import (
    AuthorRole,
    ConsentEvent,
    ConsentKind,
    EntryStatus,
    FamilyLink,
    JourneyEntry,
    JourneyPhoto,
    Occurrence,
    Place,
    PlanStatus,
    Referral,
    YoungPerson,
)

SCHEMA_VERSION = 1
NOT_INCLUDED = "not included: "
TABLES: dict[str, str] = {
    "consent_events": "consents",
    "network_members": "people",
    "family_links": "family_tree",
    "places": "places",
    "place_people": "places.people",
    "plans": "plans",
    "commitments": "plans.commitments",
    "commitment_supporters": "plans.commitments.supporters",
    "occurrences": "plans.commitments.occurrences",
    "confirmations": "plans.commitments.occurrences.confirmations",
    "objectives": "objectives",
    "reviews": "reviews",
    "journey_entries": "journey.entries",
    "journey_entry_people": "journey.entries.people",
    "journey_photos": "journey.entries.photos",
    "referrals": "referrals",
    "audit_events": NOT_INCLUDED + "the council's record of who looked at or changed your records; "
    "ask your coordinator for a copy (a subject access request)",
    "contact_log": NOT_INCLUDED + "kept by the council: staff notes about contacting the people in your "
    "network, with their contact details",
    "invitations": NOT_INCLUDED + "one-use links that let people join the app: they hold other people's "
    "e-mail addresses, and nothing about you that is not already here",
    "network_snapshots": NOT_INCLUDED + "counts of how many people were in your network at certain times, "
    "kept for the council's reports",
    "outbox_messages": NOT_INCLUDED + "copies of e-mails and notifications to you and your supporters: "
    "they hold other people's e-mail addresses, and what they say is already here",
}


def build_zip(
    session: Session, young_person: YoungPerson, photo_dir: Path, out: IO[bytes], *, language: str, now
) -> None:
    """Write the whole download to ``out``, in ``language``. Call inside an app context; never commits.

    A photo whose file is missing is left out and listed in data.json: one lost file never stops it.
    """
    with force_locale(format_locale(language)):
        made_on = today_in(young_person.timezone, now)
        found = _Found(session, young_person)
        stamp = _local(now, young_person.timezone).timetuple()[:6]
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            included = _write_photos(zf, photo_dir, found.photos())
            data = found.data(included, language=language, now=now)
            _write_text(zf, "book.html", _book_html(found, included, language, made_on), stamp)
            _write_text(zf, "data.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n", stamp)
            _write_text(zf, "README.txt", _readme(young_person, made_on, len(included)), stamp)


def _local(now: datetime, timezone: str | None) -> datetime:
    try:
        return now.astimezone(ZoneInfo(timezone or "Europe/London"))
    except (ZoneInfoNotFoundError, ValueError):
        return now


def _write_photos(zf: zipfile.ZipFile, photo_dir: Path, wanted: list[JourneyPhoto]) -> set[str]:
    included = set()
    for photo in wanted:
        try:  # streamed from disk; a missing file fails before anything is written for it
            path = photos.path_of(photo_dir, photo.storage_name)
            zf.write(path, f"photos/{photo.storage_name}", compress_type=zipfile.ZIP_STORED)
        except (OSError, ValueError):
            continue
        included.add(photo.storage_name)
    return included


def _write_text(zf: zipfile.ZipFile, name: str, text: str, stamp: tuple) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, text.encode("utf-8"))


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _pick(record, *names: str, with_id: bool = True, **renamed: str) -> dict:
    """Columns of a record as JSON values; ``renamed`` maps a key of data.json to an attribute.

    ``id`` is the record's public id (the random id in the app's addresses), never a database id.
    """
    picked = {"id": record.public_id} if with_id and hasattr(record, "public_id") else {}
    picked |= {name: _plain(getattr(record, name)) for name in names}
    return picked | {key: _plain(getattr(record, attribute)) for key, attribute in renamed.items()}


class _Found:
    """Everything about one young person, read in a handful of queries, and turned into data.json."""

    def __init__(self, session: Session, young_person: YoungPerson):
        self.young_person = young_person
        self.state = consent.load_state(session, young_person)
        self.shown = permissions.people_shown_to_young_person(young_person)
        self.shown_ids = {member.id for member in self.shown}
        self.book = journey.book(session, young_person, order="memory")
        self.waiting = journey.waiting(
            session, young_person, (EntryStatus.AWAITING_YOUNG_PERSON, EntryStatus.CHANGE_ASKED)
        )
        self.deleted = [  # a memory they said no to is the supporter's, not theirs
            e for e in journey.recently_deleted(session, young_person) if e.status is not EntryStatus.DECLINED
        ]
        self.plans = [p for p in plans.plans_of(session, young_person) if p.status is not PlanStatus.DRAFT]
        self.occurrences: dict[int, list[Occurrence]] = {}
        for occurrence in session.scalars(
            select(Occurrence)
            .where(Occurrence.commitment_id.in_([c.id for plan in self.plans for c in plan.commitments]))
            .options(selectinload(Occurrence.confirmations))
            .order_by(Occurrence.due_on)
        ):
            self.occurrences.setdefault(occurrence.commitment_id, []).append(occurrence)
        self.events = self._of(session, ConsentEvent, ConsentEvent.id)
        self.links = self._of(session, FamilyLink, FamilyLink.id)
        self.places = self._of(session, Place, Place.id, selectinload(Place.people))
        self.reviews = reviews.reviews_of(session, young_person)
        self.referrals = self._of(session, Referral, Referral.id)

    def _of(self, session: Session, model, order, *options) -> list:
        query = select(model).where(model.young_person_id == self.young_person.id).order_by(order)
        return list(session.scalars(query.options(*options)))

    def photos(self) -> list[JourneyPhoto]:
        return [photo for entry in self.book + self.waiting + self.deleted for photo in entry.photos]

    def names(self, members) -> list[str]:
        """Only people the young person may see: never one the coordinator decided not to show them."""
        return [member.name for member in members if member.id in self.shown_ids]

    def data(self, included: set[str], *, language: str, now: datetime) -> dict:
        young_person, account = self.young_person, self.young_person.account
        audiences = {consent.member_scope(member): member.name for member in self.shown}
        if young_person.coordinator is not None:
            audiences[journey.COORDINATOR] = young_person.coordinator.display_name
        self.audiences, self.included = audiences, included
        self.titles = {entry.public_id: entry.title for entry in self.book + self.waiting + self.deleted}
        return {
            "schema_version": SCHEMA_VERSION,
            "generated_at": _plain(now),
            "language": language,
            "young_person": {
                **_pick(young_person, "chosen_name", "pronouns", "date_of_birth", "legal_status", "status"),
                **_pick(young_person, "timezone", "in_care_since"),
                "organisation": young_person.organisation.name,
                "coordinator": young_person.coordinator.display_name if young_person.coordinator else None,
            },
            "account": None
            if account is None
            else {
                **_pick(account, "display_name", "email", "language"),
                "passkeys": [_pick(key, "name", "created_at", "last_used_at") for key in account.passkeys],
            },
            "consents": [self._consent(event) for event in self.events],
            "people": [self._person(member) for member in self.shown],
            "family_tree": [
                {
                    **_pick(link, "kind", "detail"),
                    "from": link.from_member.name if link.from_member else None,
                    "to": link.to_member.name if link.to_member else None,
                }
                for link in self.links
                if all(m is None or m.id in self.shown_ids for m in (link.from_member, link.to_member))
            ],
            "places": [
                {**_pick(place, "name", "from_year", "to_year"), "people": self.names(place.people)}
                for place in self.places
            ],
            "plans": [self._plan(plan) for plan in self.plans],
            "objectives": [
                _pick(o, "text", "done_at", added_at="created_at") for o in young_person.objectives
            ],
            "reviews": [
                _pick(r, "kind", "due_on", "held_on", your_words="young_person_words") for r in self.reviews
            ],
            "journey": {
                "entries": [self._entry(entry) for entry in self.book],
                "waiting_for_you": [self._entry(entry) for entry in self.waiting],
                "recently_deleted": [
                    {
                        **self._entry(entry),
                        "deleted_at": _plain(entry.deleted_at),
                        "gone_for_good_at": _plain(entry.deleted_at + journey.KEEP_DELETED_FOR),
                    }
                    for entry in self.deleted
                ],
            },
            "referrals": [self._referral(referral) for referral in self.referrals],
            "missing_photos": [p.storage_name for p in self.photos() if p.storage_name not in included],
        }

    def _consent(self, event: ConsentEvent) -> dict:
        own = event.actor_account_id is not None and event.actor_account_id == self.young_person.account_id
        return {
            **_pick(event, "kind", "decision", "decided_on", "channel", "recorded_by_staff"),
            "about": self._about(event),
            "recorded_at": _plain(event.created_at),
            "parental_responsibility": event.pr_holder if event.kind is ConsentKind.PR_REFERRAL else None,
            # Their own words ("I'm worried about…"); a note staff wrote stays with the council.
            "your_words": event.note if own and not event.recorded_by_staff else None,
            "wording": {
                "key": event.wording_key,
                "version": event.wording_version,
                "language": event.wording_language,
            },
        }

    def _about(self, event: ConsentEvent) -> str:
        if event.kind is ConsentKind.YOUNG_PERSON_AGREEMENT:
            return _("Carrying on as an adult") if event.scope == consent.ADULT else _("Taking part")
        if event.kind is ConsentKind.PR_REFERRAL:
            return _("Your referral to Lifelong Links")
        if event.kind is ConsentKind.SHARING and event.scope.count(":") >= 2:
            _word, entry_id, audience = event.scope.split(":", 2)
            page, someone = _("a page of your book"), _("someone")
            title, name = self.titles.get(entry_id, page), self.audiences.get(audience, someone)
            return _("Sharing “%(title)s” with %(name)s", title=title, name=name)
        return self.audiences.get(event.scope, _("someone"))

    def _person(self, member) -> dict:
        choice = self.state.contact_choice(member)
        return {
            **_pick(member, "name", "kind", "family_side", "circle", "deceased"),
            "relationship": member.relationship_label,
            "taking_part": network.taking_part(self.state, member),
            "your_contact_choice": choice.value if choice else None,
            "suggested_by_you": member.suggested_by_young_person,
            "your_words": member.remembered if member.suggested_by_young_person else None,
        }

    def _plan(self, plan) -> dict:
        picked = _pick(plan, "version", "status", "conference_on", "agreed_on", "review_due_on")
        return picked | {"commitments": [self._commitment(c) for c in plan.commitments]}

    def _commitment(self, c) -> dict:
        schedule = _pick(c, "starts_on", "ends_on", with_id=False, kind="schedule", every="interval")
        occurrences = [
            _pick(o, "due_on", "status") | {"confirmations": [self._confirmation(x) for x in o.confirmations]}
            for o in self.occurrences.get(c.id, [])
        ]
        picked = _pick(c, "kind", "description", "status")
        return picked | {
            "supporters": self.names(c.supporters),
            "schedule": schedule,
            "occurrences": occurrences,
        }

    @staticmethod
    def _confirmation(done) -> dict:
        answer = {"your_answer": "acknowledgement", "answered_at": "acknowledged_at"}
        return {
            **_pick(done, "outcome", "happened_on", "moved_to", "note", "undone_at", **answer),
            "confirmed_at": _plain(done.created_at),
            "by": done.by_account.display_name if done.by_account else None,
        }

    def _entry(self, entry: JourneyEntry) -> dict:
        shared = journey.shared_with(self.state, entry)
        return {
            **_pick(entry, "title", "kind", "status", "body", "happened_on", "date_precision"),
            "date_in_words": book_words.when(entry),
            "people": self.names(entry.people),
            "photos": [
                {
                    **_pick(p, "size_bytes", "width", "height", "alt_text"),
                    "file": f"photos/{p.storage_name}" if p.storage_name in self.included else None,
                }
                for p in entry.photos
            ],
            "shared_with": sorted(self.audiences[key] for key in shared if key in self.audiences),
            "added_by": _("You")
            if entry.author_role is AuthorRole.YOUNG_PERSON
            else (entry.author.display_name if entry.author else None),
            **_pick(entry, "created_at", "updated_at", your_note="young_person_note"),
        }

    @staticmethod
    def _referral(referral: Referral) -> dict:
        return {
            **_pick(referral, "route", "status", "checked_on", "policy_name", "decided_at"),
            "made_at": _plain(referral.created_at),
            "answer": referral.answer,
            "reasons": [code for code, _values in referral.reasons],
            "signposts": list(referral.signposts),
        }


def _book_html(found: _Found, included: set[str], language: str, made_on: date) -> str:
    template = current_app.jinja_env.get_template("export/book.html")
    made = format_date(made_on, "long")
    helpers = {"render": render, "when_words": book_words.when, "rtl": language in RTL_LANGUAGES}
    return template.render(found=found, included=included, language=language, made_on=made, **helpers)


def _readme(young_person: YoungPerson, made_on: date, photo_count: int) -> str:
    made = _(
        "Made for %(name)s on %(date)s.", name=young_person.chosen_name, date=format_date(made_on, "long")
    )
    paragraphs = [
        _("Your Lifelong Links download") + "\n" + made,
        _("First unzip (extract) the whole download, so the photos stay next to your book."),
        "book.html\n" + _("Your journey book. Open it in any web browser, even without internet."),
        "photos/\n"
        + _("The photos from your book and from memories sent to you (%(count)s).", count=photo_count),
        "data.json\n"
        + _(
            "Everything this app holds about you, as data another app can read: your choices, the people "
            "you may see, your plan, the promises people confirmed, and your book."
        ),
        _(
            "Some things are kept by %(organisation)s and are not in here, like staff notes and the record "
            "of who looked at your records. Your coordinator can give you a copy of everything they hold "
            "about you. This is called a subject access request.",
            organisation=young_person.organisation.name,
        ),
        _("Please keep this download safe: it has things about you and your family in it."),
    ]
    return "\n\n".join(paragraphs) + "\n"
