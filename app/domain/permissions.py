"""Who may see what. Every child-scoped record is fetched through a function here.

A record the actor may not see is reported as missing (the view answers 404), so ids never leak.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from app.models import (
    Account,
    Commitment,
    FamilyLink,
    JourneyEntry,
    JourneyPhoto,
    NetworkMember,
    Place,
    Plan,
    Referral,
    Review,
    Role,
    SafetyStatus,
    YoungPerson,
)


def young_person_for(session: Session, actor: Account, public_id: str) -> YoungPerson | None:
    """A young person of the staff member's own organisation."""
    if not actor.is_staff:
        return None
    return session.scalar(
        select(YoungPerson).where(
            YoungPerson.public_id == public_id, YoungPerson.organisation_id == actor.organisation_id
        )
    )


def referral_for(session: Session, actor: Account, public_id: str) -> Referral | None:
    """A referral to the staff member's own organisation."""
    if not actor.is_staff:
        return None
    return session.scalar(
        select(Referral).where(
            Referral.public_id == public_id, Referral.organisation_id == actor.organisation_id
        )
    )


def plan_for(session: Session, actor: Account, public_id: str) -> Plan | None:
    """A plan (any version) of a young person of the staff member's own organisation."""
    if not actor.is_staff:
        return None
    return session.scalar(
        select(Plan)
        .join(YoungPerson, Plan.young_person_id == YoungPerson.id)
        .where(Plan.public_id == public_id, YoungPerson.organisation_id == actor.organisation_id)
    )


def commitment_for(session: Session, actor: Account, public_id: str) -> Commitment | None:
    if not actor.is_staff:
        return None
    return session.scalar(
        select(Commitment)
        .join(Plan, Commitment.plan_id == Plan.id)
        .join(YoungPerson, Plan.young_person_id == YoungPerson.id)
        .where(Commitment.public_id == public_id, YoungPerson.organisation_id == actor.organisation_id)
    )


def place_for(session: Session, actor: Account, public_id: str) -> Place | None:
    if not actor.is_staff:
        return None
    return session.scalar(
        select(Place)
        .join(YoungPerson, Place.young_person_id == YoungPerson.id)
        .where(Place.public_id == public_id, YoungPerson.organisation_id == actor.organisation_id)
    )


def review_for(session: Session, actor: Account, public_id: str) -> Review | None:
    if not actor.is_staff:
        return None
    return session.scalar(
        select(Review)
        .join(YoungPerson, Review.young_person_id == YoungPerson.id)
        .where(Review.public_id == public_id, YoungPerson.organisation_id == actor.organisation_id)
    )


def family_link_for(
    session: Session, actor: Account, public_id: str
) -> tuple[FamilyLink, YoungPerson] | None:
    """A link and its young person, of the staff member's own organisation; or None."""
    if not actor.is_staff:
        return None
    row = session.execute(
        select(FamilyLink, YoungPerson)
        .join(YoungPerson, FamilyLink.young_person_id == YoungPerson.id)
        .where(FamilyLink.public_id == public_id, YoungPerson.organisation_id == actor.organisation_id)
    ).first()
    return tuple(row) if row else None


def young_people_for(session: Session, actor: Account) -> list[YoungPerson]:
    if not actor.is_staff:
        return []
    return list(
        session.scalars(
            select(YoungPerson)
            .where(YoungPerson.organisation_id == actor.organisation_id, YoungPerson.closed_at.is_(None))
            .order_by(YoungPerson.chosen_name)
        )
    )


def network_member_for(session: Session, actor: Account, public_id: str) -> NetworkMember | None:
    """A person in the network of a young person of the staff member's own organisation."""
    if not actor.is_staff:
        return None
    return session.scalar(
        select(NetworkMember)
        .join(YoungPerson, NetworkMember.young_person_id == YoungPerson.id)
        .where(NetworkMember.public_id == public_id, YoungPerson.organisation_id == actor.organisation_id)
    )


def own_young_person(session: Session, actor: Account) -> YoungPerson | None:
    """The young person record of a young person's own account."""
    return session.scalar(select(YoungPerson).where(YoungPerson.account_id == actor.id))


def people_shown_to_young_person(young_person: YoungPerson) -> list[NetworkMember]:
    """Everyone in their network, except do-not-contact people the coordinator decided not to show."""
    return [
        member
        for member in young_person.network
        if not (member.safety_status is SafetyStatus.DO_NOT_CONTACT and not member.shown_to_young_person)
    ]


def own_network_member(session: Session, young_person: YoungPerson, public_id: str) -> NetworkMember | None:
    member = session.scalar(
        select(NetworkMember).where(
            NetworkMember.public_id == public_id, NetworkMember.young_person_id == young_person.id
        )
    )
    if member is None or member not in people_shown_to_young_person(young_person):
        return None
    return member


def supporter_memberships(session: Session, actor: Account) -> list[NetworkMember]:
    """The places a supporter has in young people's networks (one supporter may support siblings)."""
    if actor.role is not Role.SUPPORTER:
        return []
    return list(
        session.scalars(
            select(NetworkMember)
            .join(YoungPerson, NetworkMember.young_person_id == YoungPerson.id)
            .options(contains_eager(NetworkMember.young_person))
            .where(NetworkMember.account_id == actor.id, YoungPerson.closed_at.is_(None))
            .order_by(YoungPerson.chosen_name)
        )
    )


def who_sees_consent(young_person: YoungPerson) -> list[tuple[str, str | None]]:
    """Who can see a young person's consent decisions: (role, name or None for "any of them")."""
    viewers: list[tuple[str, str | None]] = [("you", None)]
    if young_person.coordinator is not None:
        viewers.append(("coordinator", young_person.coordinator.display_name))
    if young_person.social_worker is not None:
        viewers.append(("social_worker", young_person.social_worker.display_name))
    viewers.append(("service_staff", young_person.organisation.name))
    return viewers


def journey_entry_for(session: Session, actor: Account, public_id: str) -> JourneyEntry | None:
    """A journey book entry the actor may see now (``journey.may_see`` is the rule); else None."""
    entry = session.scalar(select(JourneyEntry).where(JourneyEntry.public_id == public_id))
    return entry if entry is not None and _may_see_entry(session, actor, entry) else None


def journey_photo_for(session: Session, actor: Account, public_id: str) -> JourneyPhoto | None:
    """A photo of an entry the actor may see now; else None."""
    photo = session.scalar(select(JourneyPhoto).where(JourneyPhoto.public_id == public_id))
    return photo if photo is not None and _may_see_entry(session, actor, photo.entry) else None


def _may_see_entry(session: Session, actor: Account, entry: JourneyEntry) -> bool:
    from app.domain import journey  # journey's rule reads the ledger, which reads these models

    return journey.may_see(session, actor, entry, date.today())
