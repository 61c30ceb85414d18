"""Accountability: who saw or changed which record, when, and in which role. Append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_young_person", "young_person_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(60))  # e.g. "sensitive_read", "consent.given"
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_public_id: Mapped[str | None] = mapped_column(String(22))
    young_person_id: Mapped[int | None] = mapped_column(ForeignKey("young_people.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Never a token, challenge or link: only ids and outcomes.
    detail: Mapped[dict | None]
