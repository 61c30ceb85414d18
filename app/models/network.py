"""The young person's network in more depth: family links (genogram), places (mobility mapping), the
contact log, reviews and snapshots of the network's size over time."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import Account
from app.models.base import Base, CreatedMixin, PublicIdMixin, str_enum
from app.models.people import NetworkMember, YoungPerson
from app.models.plans import Plan


class LinkKind(enum.StrEnum):
    PARENT = "parent"  # ``from`` is a parent figure of ``to``
    SIBLING = "sibling"
    PARTNER = "partner"


class LinkDetail(enum.StrEnum):
    """What kind of parent or sibling: real families have many."""

    BIRTH = "birth"
    ADOPTIVE = "adoptive"
    STEP = "step"
    FOSTER = "foster"
    KINSHIP = "kinship"
    FULL = "full"
    HALF = "half"


class FamilyLink(PublicIdMixin, Base):
    """One line in the family tree. An empty end (``None``) is the young person themselves."""

    __tablename__ = "family_links"
    __table_args__ = (
        CheckConstraint("from_member_id IS NOT NULL OR to_member_id IS NOT NULL", name="has_a_member"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LinkKind] = mapped_column(str_enum(LinkKind))
    detail: Mapped[LinkDetail | None] = mapped_column(str_enum(LinkDetail))
    from_member_id: Mapped[int | None] = mapped_column(ForeignKey("network_members.id", ondelete="CASCADE"))
    to_member_id: Mapped[int | None] = mapped_column(ForeignKey("network_members.id", ondelete="CASCADE"))

    from_member: Mapped[NetworkMember | None] = relationship(foreign_keys=[from_member_id])
    to_member: Mapped[NetworkMember | None] = relationship(foreign_keys=[to_member_id])


place_people = Table(
    "place_people",
    Base.metadata,
    Column("place_id", ForeignKey("places.id", ondelete="CASCADE"), primary_key=True),
    Column("network_member_id", ForeignKey("network_members.id", ondelete="CASCADE"), primary_key=True),
)


class Place(PublicIdMixin, Base):
    """A place in the young person's story (mobility mapping) and who was there."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    from_year: Mapped[int | None]
    to_year: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)

    young_person: Mapped[YoungPerson] = relationship()
    people: Mapped[list[NetworkMember]] = relationship(secondary=place_people, order_by="NetworkMember.id")


class ContactMethod(enum.StrEnum):
    PHONE = "phone"
    VIDEO = "video"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"
    MESSAGE = "message"
    OTHER = "other"


class ContactLogEntry(PublicIdMixin, CreatedMixin, Base):
    """Staff only: when and how someone was contacted, and what came of it."""

    __tablename__ = "contact_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_member_id: Mapped[int] = mapped_column(
        ForeignKey("network_members.id", ondelete="CASCADE"), index=True
    )
    contacted_on: Mapped[date]
    method: Mapped[ContactMethod] = mapped_column(str_enum(ContactMethod))
    outcome: Mapped[str] = mapped_column(Text)
    by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))

    network_member: Mapped[NetworkMember] = relationship()
    by_account: Mapped[Account | None] = relationship()


class ReviewKind(enum.StrEnum):
    CONFERENCE_REVIEW = "conference_review"
    LOOKED_AFTER_REVIEW = "looked_after_review"  # chaired by the IRO


class Review(PublicIdMixin, CreatedMixin, Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ReviewKind] = mapped_column(str_enum(ReviewKind))
    due_on: Mapped[date]
    held_on: Mapped[date | None]
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)
    # "What I want to say": the young person's own words for this review, if they add them.
    young_person_words: Mapped[str | None] = mapped_column(Text)

    young_person: Mapped[YoungPerson] = relationship()
    plan: Mapped[Plan | None] = relationship()


class SnapshotOccasion(enum.StrEnum):
    REFERRAL = "referral"
    CONFERENCE = "conference"
    REVIEW = "review"


class NetworkSnapshot(Base):
    """How many people were in the network, and how many taking part, at a moment that matters."""

    __tablename__ = "network_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id", ondelete="CASCADE"), index=True
    )
    taken_on: Mapped[date]
    occasion: Mapped[SnapshotOccasion] = mapped_column(str_enum(SnapshotOccasion))
    people: Mapped[int]
    taking_part: Mapped[int]
