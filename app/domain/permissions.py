"""Who may see what. Every child-scoped record is fetched through a function here.

A record the actor may not see is reported as missing (the view answers 404), so ids never leak.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account, NetworkMember, YoungPerson


def young_person_for(session: Session, actor: Account, public_id: str) -> YoungPerson | None:
    """A young person of the staff member's own organisation."""
    if not actor.is_staff:
        return None
    return session.scalar(
        select(YoungPerson).where(
            YoungPerson.public_id == public_id, YoungPerson.organisation_id == actor.organisation_id
        )
    )


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
