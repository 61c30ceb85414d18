"""The journey book: entries owned by the young person, and their photos."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import Account
from app.models.base import Base, CreatedMixin, PublicIdMixin, str_enum, utcnow
from app.models.people import NetworkMember, YoungPerson


class EntryKind(enum.StrEnum):
    MEMORY = "memory"
    PHOTO = "photo"
    MILESTONE = "milestone"
    FAMILY_HISTORY = "family_history"
    LETTER = "letter"
    QUOTE = "quote"


class DatePrecision(enum.StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    AROUND_YEAR = "around_year"


class EntryStatus(enum.StrEnum):
    IN_BOOK = "in_book"
    AWAITING_YOUNG_PERSON = "awaiting_young_person"  # a supporter's contribution
    CHANGE_ASKED = "change_asked"
    DECLINED = "declined"


class AuthorRole(enum.StrEnum):
    YOUNG_PERSON = "young_person"
    SUPPORTER = "supporter"
    STAFF = "staff"


journey_entry_people = Table(
    "journey_entry_people",
    Base.metadata,
    Column("entry_id", ForeignKey("journey_entries.id", ondelete="CASCADE"), primary_key=True),
    Column("network_member_id", ForeignKey("network_members.id", ondelete="CASCADE"), primary_key=True),
)


class JourneyEntry(PublicIdMixin, CreatedMixin, Base):
    """One page of the journey book. Private by default: who may see it is a sharing choice in the ledger.

    ``version`` guards against two devices overwriting each other's edits.
    """

    __tablename__ = "journey_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    happened_on: Mapped[date | None]
    date_precision: Mapped[DatePrecision] = mapped_column(str_enum(DatePrecision), default=DatePrecision.DAY)
    author_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    author_role: Mapped[AuthorRole] = mapped_column(str_enum(AuthorRole))
    status: Mapped[EntryStatus] = mapped_column(str_enum(EntryStatus), default=EntryStatus.IN_BOOK)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]
    # The young person's answer to a supporter's contribution: what they would like changed, and when.
    young_person_note: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]

    young_person: Mapped[YoungPerson] = relationship()
    author: Mapped[Account | None] = relationship()
    people: Mapped[list[NetworkMember]] = relationship(secondary=journey_entry_people)
    photos: Mapped[list[JourneyPhoto]] = relationship(
        back_populates="entry", order_by="JourneyPhoto.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class JourneyPhoto(PublicIdMixin, CreatedMixin, Base):
    """A photo stored outside static/ under a random name, stripped of all metadata."""

    __tablename__ = "journey_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journey_entries.id", ondelete="CASCADE"), index=True)
    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    alt_text: Mapped[str | None] = mapped_column(String(300))

    entry: Mapped[JourneyEntry] = relationship(back_populates="photos")
