"""The young person and the people in their network."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import Account, Organisation
from app.models.base import Base, CreatedMixin, PublicIdMixin, str_enum


class LegalStatus(enum.StrEnum):
    CARE_ORDER = "care_order"
    INTERIM_CARE_ORDER = "interim_care_order"  # care proceedings not concluded
    SECTION_20 = "section_20"
    CARE_LEAVER = "care_leaver"
    SELF_REFERRED = "self_referred"
    OTHER = "other"


class CaseStatus(enum.StrEnum):
    """Where the young person is in the practice model.

    "Paused by the young person" is not a status here: it is read from the consent ledger, so that
    re-giving consent restores exactly the status they had.
    """

    REFERRED = "referred"
    CONSENT_PENDING = "consent_pending"
    FINDING_PEOPLE = "finding_people"
    CONFERENCE_PLANNED = "conference_planned"
    PLAN_AGREED = "plan_agreed"
    REVIEWING = "reviewing"
    CLOSED = "closed"


class LeapBirthday(enum.StrEnum):
    """Where a 29 February birthday falls in other years; the young person chooses."""

    FEB_28 = "feb_28"
    MAR_1 = "mar_1"


class YoungPerson(PublicIdMixin, CreatedMixin, Base):
    __tablename__ = "young_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), unique=True)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    chosen_name: Mapped[str] = mapped_column(String(120))
    # Staff only: the name on the council's records, when it differs from the chosen name.
    legal_name: Mapped[str | None] = mapped_column(String(200))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    date_of_birth: Mapped[date]
    leap_birthday: Mapped[LeapBirthday] = mapped_column(str_enum(LeapBirthday), default=LeapBirthday.FEB_28)
    legal_status: Mapped[LegalStatus] = mapped_column(str_enum(LegalStatus))
    in_care_since: Mapped[date | None]
    status: Mapped[CaseStatus] = mapped_column(str_enum(CaseStatus), default=CaseStatus.REFERRED)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    # Protected information: never shown to supporters, never in a photo, never in an e-mail.
    placement_address: Mapped[str | None] = mapped_column(Text)
    school: Mapped[str | None] = mapped_column(String(200))
    closed_at: Mapped[datetime | None]
    # Set when a care leaver closed their account and we erased what was theirs to erase.
    erased_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    account: Mapped[Account | None] = relationship(foreign_keys=[account_id])
    coordinator: Mapped[Account | None] = relationship(foreign_keys=[coordinator_id])
    social_worker: Mapped[Account | None] = relationship(foreign_keys=[social_worker_id])
    network: Mapped[list[NetworkMember]] = relationship(
        back_populates="young_person", order_by="NetworkMember.id", cascade="all, delete-orphan"
    )
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="young_person", order_by="Objective.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<YoungPerson {self.public_id}>"


class FamilySide(enum.StrEnum):
    MOTHERS = "mothers"
    FATHERS = "fathers"
    BOTH = "both"
    NOT_FAMILY = "not_family"
    UNKNOWN = "unknown"


class SafetyStatus(enum.StrEnum):
    UNCHECKED = "unchecked"
    SAFE = "safe"
    DO_NOT_CONTACT = "do_not_contact"


class ContactStatus(enum.StrEnum):
    IDENTIFIED = "identified"
    AGREED_BY_YOUNG_PERSON = "agreed_by_young_person"
    CONTACTED = "contacted"
    TAKING_PART = "taking_part"
    DECLINED = "declined"


class MemberKind(enum.StrEnum):
    PERSON = "person"
    PET = "pet"


class NetworkMember(PublicIdMixin, CreatedMixin, Base):
    """A person (or pet) who matters to the young person.

    Contact details and notes are for staff only; supporters see none of another member's details.
    Whether it is OK to contact this person is read from the consent ledger, not stored here.
    """

    __tablename__ = "network_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id", ondelete="CASCADE"), index=True
    )
    # Set once the person accepts an invitation and becomes a supporter.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[MemberKind] = mapped_column(str_enum(MemberKind), default=MemberKind.PERSON)
    name: Mapped[str] = mapped_column(String(120))
    relationship_label: Mapped[str] = mapped_column(String(120))
    family_side: Mapped[FamilySide] = mapped_column(str_enum(FamilySide), default=FamilySide.UNKNOWN)
    circle: Mapped[int | None]  # 1 = closest … 3 = further out; None = not placed
    deceased: Mapped[bool] = mapped_column(default=False)
    safety_status: Mapped[SafetyStatus] = mapped_column(
        str_enum(SafetyStatus), default=SafetyStatus.UNCHECKED
    )
    safety_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    safety_decided_at: Mapped[datetime | None]
    safety_reason: Mapped[str | None] = mapped_column(Text)
    # For a do-not-contact person: whether the coordinator decided the young person may see them listed.
    shown_to_young_person: Mapped[bool] = mapped_column(default=True)
    contact_status: Mapped[ContactStatus] = mapped_column(
        str_enum(ContactStatus), default=ContactStatus.IDENTIFIED
    )
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(80))
    staff_notes: Mapped[str | None] = mapped_column(Text)
    suggested_by_young_person: Mapped[bool] = mapped_column(default=False)
    # The young person's own words when they suggested this person ("I'd like to find…").
    remembered: Mapped[str | None] = mapped_column(Text)

    young_person: Mapped[YoungPerson] = relationship(back_populates="network")
    account: Mapped[Account | None] = relationship(foreign_keys=[account_id])
    safety_decided_by: Mapped[Account | None] = relationship(foreign_keys=[safety_decided_by_id])

    @property
    def do_not_contact(self) -> bool:
        return self.safety_status is SafetyStatus.DO_NOT_CONTACT


class Objective(PublicIdMixin, CreatedMixin, Base):
    """Something the young person wants from Lifelong Links, in their own words."""

    __tablename__ = "objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    done_at: Mapped[datetime | None]

    young_person: Mapped[YoungPerson] = relationship(back_populates="objectives")
