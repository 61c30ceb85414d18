"""The consent ledger's storage: append-only events. The rules that read it live in app/domain."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import Account
from app.models.base import Base, PublicIdMixin, str_enum, utcnow


class ConsentKind(enum.StrEnum):
    PR_REFERRAL = "pr_referral"  # parental responsibility consent to the referral
    YOUNG_PERSON_AGREEMENT = "young_person_agreement"
    CONTACT_PERSON = "contact_person"  # scope: the network member
    SUPPORTER_PARTICIPATION = "supporter_participation"  # scope: the network member
    SHARING = "sharing"  # scope: what is shared with whom


class Decision(enum.StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"  # "not now": can be given again
    DECLINED = "declined"  # "never" / "no, thank you"


class Channel(enum.StrEnum):
    APP = "app"
    IN_PERSON = "in_person"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    AUTOMATIC = "automatic"  # e.g. PR consent ceasing to apply at 18


class ConsentEvent(PublicIdMixin, Base):
    """One decision, exactly as it was made. Never updated; deleted only by the retention rule.

    The current state for (young person, kind, scope) is the latest event by id.
    """

    __tablename__ = "consent_events"
    __table_args__ = (Index("ix_consent_events_state", "young_person_id", "kind", "scope", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id", ondelete="CASCADE"))
    kind: Mapped[ConsentKind] = mapped_column(str_enum(ConsentKind))
    scope: Mapped[str] = mapped_column(String(120), default="")
    decision: Mapped[Decision] = mapped_column(str_enum(Decision))
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(32))
    # True when staff recorded a decision the young person gave them in person.
    recorded_by_staff: Mapped[bool] = mapped_column(default=False)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    # For PR consent: who holds parental responsibility (a named person, or the council).
    pr_holder: Mapped[str | None] = mapped_column(String(200))
    decided_on: Mapped[date | None]
    wording_key: Mapped[str] = mapped_column(String(80))
    wording_version: Mapped[str] = mapped_column(String(40))
    wording_language: Mapped[str] = mapped_column(String(8))
    wording_sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[Account | None] = relationship()
