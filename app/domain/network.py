"""The young person's network: who they see, suggestions they make, and the words for each person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain import audit
from app.domain.consent import ConsentState, load_state
from app.models import (
    Account,
    ContactLogEntry,
    ContactMethod,
    ContactStatus,
    Decision,
    FamilySide,
    MemberKind,
    NetworkMember,
    NetworkSnapshot,
    Place,
    Role,
    SafetyStatus,
    SnapshotOccasion,
    YoungPerson,
)


def taking_part(state: ConsentState, member: NetworkMember) -> bool:
    """Taking part means they said yes to taking part (the ledger), not just that we found them."""
    return state.participation(member) is Decision.GIVEN


def suggest_person(
    session: Session, young_person: YoungPerson, actor: Account, name: str, remembered: str | None
) -> NetworkMember:
    """ "I'd like to find…": a new, unchecked person for the coordinator, in the young person's words."""
    member = NetworkMember(
        young_person=young_person,
        name=name.strip(),
        relationship_label="",
        safety_status=SafetyStatus.UNCHECKED,
        contact_status=ContactStatus.IDENTIFIED,
        suggested_by_young_person=True,
        remembered=(remembered or "").strip() or None,
    )
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor,
        "network.suggested",
        object_type="network_member",
        object_public_id=member.public_id,
        young_person_id=young_person.id,
    )
    return member


NETWORK_EDITORS = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER})


class NetworkRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def may_edit(actor: Account, young_person: YoungPerson) -> bool:
    """Coordinators and social workers of the young person's council keep the network."""
    return actor.role in NETWORK_EDITORS and actor.organisation_id == young_person.organisation_id


def _require_editor(actor: Account, young_person: YoungPerson) -> None:
    if not may_edit(actor, young_person):
        raise NetworkRefused("not_allowed")


@dataclass(frozen=True)
class PersonDetails:
    name: str
    relationship_label: str = ""
    family_side: FamilySide = FamilySide.UNKNOWN
    circle: int | None = None
    kind: MemberKind = MemberKind.PERSON
    deceased: bool = False
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    country: str | None = None
    staff_notes: str | None = None


def _apply(member: NetworkMember, details: PersonDetails) -> None:
    """Copy the details; empty optional text becomes "not known" (None)."""
    for name in PersonDetails.__dataclass_fields__:
        value = getattr(details, name)
        if isinstance(value, str):
            value = value.strip() or (None if name not in ("name", "relationship_label") else "")
        setattr(member, name, value)


def add_person(
    session: Session, actor: Account, young_person: YoungPerson, details: PersonDetails
) -> NetworkMember:
    _require_editor(actor, young_person)
    member = NetworkMember(young_person=young_person)
    _apply(member, details)
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor,
        "network.added",
        object_type="network_member",
        object_public_id=member.public_id,
        young_person_id=young_person.id,
    )
    return member


def change_person(session: Session, actor: Account, member: NetworkMember, details: PersonDetails) -> None:
    _require_editor(actor, member.young_person)
    _apply(member, details)
    audit.record(
        session,
        actor,
        "network.changed",
        object_type="network_member",
        object_public_id=member.public_id,
        young_person_id=member.young_person_id,
    )


def set_safety(
    session: Session, actor: Account, member: NetworkMember, status: SafetyStatus, reason: str, now: datetime
) -> None:
    """Safe / do not contact / not checked yet: only coordinators and social workers, always with a reason."""
    _require_editor(actor, member.young_person)
    if not reason.strip():
        raise NetworkRefused("reason_needed")
    if status is SafetyStatus.DO_NOT_CONTACT and member.safety_status is not SafetyStatus.DO_NOT_CONTACT:
        member.shown_to_young_person = False  # hidden until the coordinator decides otherwise
    member.safety_status = status
    member.safety_reason = reason.strip()
    member.safety_decided_by = actor
    member.safety_decided_at = now
    audit.record(
        session,
        actor,
        "network.safety",
        object_type="network_member",
        object_public_id=member.public_id,
        young_person_id=member.young_person_id,
        detail={"status": status.value},
    )


def show_to_young_person(session: Session, actor: Account, member: NetworkMember, shown: bool) -> None:
    """Whether a do-not-contact person still shows in the young person's list (coordinator decides)."""
    if actor.role is not Role.COORDINATOR or actor.organisation_id != member.young_person.organisation_id:
        raise NetworkRefused("not_allowed")
    member.shown_to_young_person = shown
    audit.record(
        session,
        actor,
        "network.shown_to_young_person",
        object_type="network_member",
        object_public_id=member.public_id,
        young_person_id=member.young_person_id,
        detail={"shown": shown},
    )


def log_contact(
    session: Session, actor: Account, member: NetworkMember, on: date, method: ContactMethod, outcome: str
) -> ContactLogEntry:
    _require_editor(actor, member.young_person)
    entry = ContactLogEntry(
        network_member=member, contacted_on=on, method=method, outcome=outcome.strip(), by_account=actor
    )
    session.add(entry)
    session.flush()
    return entry


def contact_log(session: Session, member: NetworkMember) -> list[ContactLogEntry]:
    return list(
        session.scalars(
            select(ContactLogEntry)
            .where(ContactLogEntry.network_member_id == member.id)
            .order_by(ContactLogEntry.contacted_on.desc(), ContactLogEntry.id.desc())
        )
    )


def take_snapshot(
    session: Session, young_person: YoungPerson, occasion: SnapshotOccasion, on: date
) -> NetworkSnapshot:
    """Count the people (not pets) in the network, and those who said yes to taking part."""
    state = load_state(session, young_person)
    people = [m for m in young_person.network if m.kind is MemberKind.PERSON and not m.deceased]
    snapshot = NetworkSnapshot(
        young_person_id=young_person.id,
        taken_on=on,
        occasion=occasion,
        people=len(people),
        taking_part=sum(1 for m in people if taking_part(state, m)),
    )
    session.add(snapshot)
    return snapshot


def snapshots(session: Session, young_person: YoungPerson) -> list[NetworkSnapshot]:
    return list(
        session.scalars(
            select(NetworkSnapshot)
            .where(NetworkSnapshot.young_person_id == young_person.id)
            .order_by(NetworkSnapshot.taken_on, NetworkSnapshot.id)
        )
    )


def add_place(
    session: Session,
    actor: Account,
    young_person: YoungPerson,
    name: str,
    years: tuple[int | None, int | None],
    note: str | None,
    people: list[NetworkMember],
) -> Place:
    """A place in the young person's story (mobility mapping) and who was there."""
    _require_editor(actor, young_person)
    if any(member.young_person_id != young_person.id for member in people):
        raise NetworkRefused("not_in_network")
    from_year, to_year = years
    if from_year and to_year and to_year < from_year:
        raise NetworkRefused("years_backwards")
    place = Place(
        young_person_id=young_person.id,
        name=name.strip(),
        from_year=from_year,
        to_year=to_year,
        note=(note or "").strip() or None,
        people=list(people),
    )
    session.add(place)
    session.flush()
    return place


def places_of(session: Session, young_person: YoungPerson) -> list[Place]:
    return list(
        session.scalars(
            select(Place)
            .options(selectinload(Place.people))
            .where(Place.young_person_id == young_person.id)
            .order_by(Place.from_year.is_(None), Place.from_year, Place.id)
        )
    )


def remove_place(session: Session, actor: Account, place: Place, young_person: YoungPerson) -> None:
    _require_editor(actor, young_person)
    session.delete(place)
