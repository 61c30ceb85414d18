"""Organisations (a council's Lifelong Links service), accounts and their passkeys."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, PublicIdMixin, str_enum


class Role(enum.StrEnum):
    YOUNG_PERSON = "young_person"
    SUPPORTER = "supporter"
    COORDINATOR = "coordinator"
    SOCIAL_WORKER = "social_worker"
    IRO = "iro"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self not in (Role.YOUNG_PERSON, Role.SUPPORTER)


STAFF_ROLES = frozenset(r for r in Role if r.is_staff)


class Organisation(PublicIdMixin, CreatedMixin, Base):
    """A council's Lifelong Links service. Its eligibility policy is data, not code."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(300))
    policy_name: Mapped[str | None] = mapped_column(String(80))
    policy: Mapped[dict | None]
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    # How long records are kept after a young person's case closes, and the rule in words.
    retention_years: Mapped[int] = mapped_column(default=25)
    retention_rule: Mapped[str | None] = mapped_column(Text)

    accounts: Mapped[list[Account]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


def new_user_handle() -> bytes:
    """WebAuthn user handle: random, never an e-mail address or a database id."""
    return secrets.token_bytes(64)


class Account(PublicIdMixin, CreatedMixin, Base):
    """One sign-in identity. Staff and young people belong to an organisation; supporters may not."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    user_handle: Mapped[bytes] = mapped_column(LargeBinary(64), unique=True, default=new_user_handle)
    last_sign_in_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship(back_populates="accounts")
    passkeys: Mapped[list[Passkey]] = relationship(back_populates="account", cascade="all, delete-orphan")

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.public_id

    def __repr__(self) -> str:
        return f"<Account {self.role.value} {self.public_id}>"


class Passkey(PublicIdMixin, CreatedMixin, Base):
    """A WebAuthn credential. Sign count is stored but never relied on: synced passkeys report 0."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1024), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(default=0)
    transports: Mapped[list | None]
    device_type: Mapped[str] = mapped_column(String(20), default="single_device")
    backed_up: Mapped[bool] = mapped_column(default=False)
    aaguid: Mapped[str | None] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(80))
    last_used_at: Mapped[datetime | None]

    account: Mapped[Account] = relationship(back_populates="passkeys")
