"""Accountability: one function writes every audit row, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import Account, AuditEvent


def record(
    session: Session,
    actor: Account | None,
    action: str,
    *,
    object_type: str | None = None,
    object_public_id: str | None = None,
    young_person_id: int | None = None,
    organisation_id: int | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Add an audit row. ``detail`` holds ids and outcomes only: never a token, challenge or link."""
    event = AuditEvent(
        actor_account_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else None,
        action=action,
        object_type=object_type,
        object_public_id=object_public_id,
        young_person_id=young_person_id,
        organisation_id=organisation_id
        if organisation_id is not None
        else (actor.organisation_id if actor else None),
        detail=detail,
    )
    session.add(event)
    return event
