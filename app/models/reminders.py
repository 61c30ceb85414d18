"""How each supporter wants to be reminded, their private calendar feed, and their push subscriptions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import Account
from app.models.base import Base, CreatedMixin, PublicIdMixin

DEFAULT_DAYS_BEFORE = [3, 0]  # three days before, and on the day


class ReminderSettings(Base):
    """One row per account; no row means the defaults (e-mail, 3 days before and on the day)."""

    __tablename__ = "reminder_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    by_email: Mapped[bool] = mapped_column(default=True)
    by_push: Mapped[bool] = mapped_column(default=False)
    days_before: Mapped[list] = mapped_column(default=lambda: list(DEFAULT_DAYS_BEFORE))

    account: Mapped[Account] = relationship()


class CalendarFeed(PublicIdMixin, CreatedMixin, Base):
    """A private ICS address: only the hash of its secret is kept; revoking ends it at once."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    account: Mapped[Account] = relationship()


class PushSubscription(PublicIdMixin, CreatedMixin, Base):
    """A browser's web push subscription (endpoint and keys from PushManager.subscribe)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    failed_at: Mapped[datetime | None]

    account: Mapped[Account] = relationship()
