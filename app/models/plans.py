"""Plans, the commitments in them, and each due occurrence with its confirmations."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import Account
from app.models.base import Base, CreatedMixin, PublicIdMixin, str_enum
from app.models.people import NetworkMember, YoungPerson


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    AGREED_AT_CONFERENCE = "agreed_at_conference"
    AGREED_BY_SOCIAL_WORKER = "agreed_by_social_worker"
    ACTIVE = "active"
    SUPERSEDED = "superseded"


class Plan(PublicIdMixin, CreatedMixin, Base):
    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("young_person_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus), default=PlanStatus.DRAFT)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    conference_on: Mapped[date | None]
    conference_place: Mapped[str | None] = mapped_column(String(200))
    conference_attendees: Mapped[str | None] = mapped_column(Text)
    private_family_time: Mapped[bool] = mapped_column(default=False)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    agreed_on: Mapped[date | None]
    review_due_on: Mapped[date | None]

    young_person: Mapped[YoungPerson] = relationship()
    agreed_by: Mapped[Account | None] = relationship()
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="plan", order_by="Commitment.id", cascade="all, delete-orphan"
    )


class CommitmentKind(enum.StrEnum):
    BIRTHDAY_CALL = "birthday_call"
    BIRTHDAY_CARD = "birthday_card"
    CHRISTMAS_CARD = "christmas_card"
    VISIT = "visit"
    CALL = "call"
    OUTING = "outing"
    HOLIDAY = "holiday"
    FAMILY_EVENT = "family_event"
    WORK_EXPERIENCE = "work_experience"
    LETTER = "letter"
    OTHER = "other"


class ScheduleKind(enum.StrEnum):
    ONCE = "once"
    YEARLY_BIRTHDAY = "yearly_birthday"
    YEARLY_DATE = "yearly_date"
    EVERY_N_WEEKS = "every_n_weeks"
    EVERY_N_MONTHS = "every_n_months"


class CommitmentStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


commitment_supporters = Table(
    "commitment_supporters",
    Base.metadata,
    Column("commitment_id", ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True),
    Column("network_member_id", ForeignKey("network_members.id", ondelete="CASCADE"), primary_key=True),
)


class Commitment(PublicIdMixin, CreatedMixin, Base):
    """What one or more supporters promised, and when it is due."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CommitmentKind] = mapped_column(str_enum(CommitmentKind))
    description: Mapped[str] = mapped_column(Text)
    schedule: Mapped[ScheduleKind] = mapped_column(str_enum(ScheduleKind))
    # The first (or only) date; for yearly dates its month and day are used.
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    interval: Mapped[int | None]  # N in "every N weeks/months"
    # The window in which it counts as on time, in days around the due date.
    window_days_before: Mapped[int] = mapped_column(default=0)
    window_days_after: Mapped[int] = mapped_column(default=0)
    checked_by: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[CommitmentStatus] = mapped_column(
        str_enum(CommitmentStatus), default=CommitmentStatus.ACTIVE
    )

    plan: Mapped[Plan] = relationship(back_populates="commitments")
    supporters: Mapped[list[NetworkMember]] = relationship(
        secondary=commitment_supporters, order_by="NetworkMember.id"
    )
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="commitment", order_by="Occurrence.due_on", cascade="all, delete-orphan"
    )


class OccurrenceStatus(enum.StrEnum):
    DUE = "due"
    KEPT = "kept"
    MISSED = "missed"
    COULD_NOT = "could_not"
    MOVED = "moved"


class Occurrence(PublicIdMixin, Base):
    """One due instance of a commitment, with the window in which it counts as on time."""

    __tablename__ = "occurrences"
    __table_args__ = (UniqueConstraint("commitment_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    due_on: Mapped[date]
    window_starts_on: Mapped[date]
    window_ends_on: Mapped[date]
    status: Mapped[OccurrenceStatus] = mapped_column(str_enum(OccurrenceStatus), default=OccurrenceStatus.DUE)

    commitment: Mapped[Commitment] = relationship(back_populates="occurrences")
    confirmations: Mapped[list[Confirmation]] = relationship(
        back_populates="occurrence", order_by="Confirmation.id", cascade="all, delete-orphan"
    )


class ConfirmationOutcome(enum.StrEnum):
    DONE = "done"
    COULD_NOT = "could_not"
    MOVED = "moved"


class Acknowledgement(enum.StrEnum):
    HAPPENED = "happened"
    DID_NOT_HAPPEN = "did_not_happen"


class Confirmation(PublicIdMixin, CreatedMixin, Base):
    """A supporter's "I did it" (or "I couldn't", "we moved it") and the young person's answer."""

    __tablename__ = "confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"), index=True)
    by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    outcome: Mapped[ConfirmationOutcome] = mapped_column(str_enum(ConfirmationOutcome))
    happened_on: Mapped[date | None]
    moved_to: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    undone_at: Mapped[datetime | None]
    acknowledgement: Mapped[Acknowledgement | None] = mapped_column(str_enum(Acknowledgement))
    acknowledged_at: Mapped[datetime | None]

    occurrence: Mapped[Occurrence] = relationship(back_populates="confirmations")
    by_account: Mapped[Account | None] = relationship()
