"""What signing in needs on the server: sessions, WebAuthn challenges, invitations and sign-in links.

Every secret is stored as a SHA-256 hash; the value itself only ever exists in the link or cookie.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import Account, Organisation, Role
from app.models.base import Base, CreatedMixin, PublicIdMixin, str_enum


class UserSession(CreatedMixin, Base):
    """A signed-in browser. The cookie holds a random id; revoking this row signs it out at once."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # absolute timeout
    # Set when the person just proved it is them (passkey): needed to add or remove passkeys.
    fresh_until: Mapped[datetime | None]
    signed_in_with: Mapped[str] = mapped_column(String(20))  # passkey, link, invitation, recovery
    revoked_at: Mapped[datetime | None]

    account: Mapped[Account] = relationship()


class ChallengePurpose(enum.StrEnum):
    REGISTER = "register"
    AUTHENTICATE = "authenticate"


class WebAuthnChallenge(CreatedMixin, Base):
    """A challenge we issued, valid for five minutes and deleted at the first attempt to use it."""

    __tablename__ = "webauthn_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge: Mapped[bytes] = mapped_column(LargeBinary(64), unique=True)
    purpose: Mapped[ChallengePurpose] = mapped_column(str_enum(ChallengePurpose))
    # Whom it was issued to: an account (registration, re-authentication) and/or this browser.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    browser_key: Mapped[str] = mapped_column(String(64), index=True)
    # Registration before the account exists: the user handle the new passkey will carry.
    user_handle: Mapped[bytes | None] = mapped_column(LargeBinary(64))
    expires_at: Mapped[datetime]


class InvitationKind(enum.StrEnum):
    YOUNG_PERSON = "young_person"
    STAFF = "staff"
    SUPPORTER = "supporter"
    RECOVERY = "recovery"


class Invitation(PublicIdMixin, CreatedMixin, Base):
    """A single-use link that lets someone create their account (or, for recovery, a new passkey)."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InvitationKind] = mapped_column(str_enum(InvitationKind))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    role: Mapped[Role | None] = mapped_column(str_enum(Role))
    young_person_id: Mapped[int | None] = mapped_column(ForeignKey("young_people.id", ondelete="CASCADE"))
    network_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_members.id", ondelete="CASCADE")
    )
    # Recovery: the account that gets a new passkey.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(String(254))
    display_name: Mapped[str | None] = mapped_column(String(120))
    # Supporters: the short code the coordinator also gives them, so the e-mail can't be faked.
    code_hash: Mapped[str | None] = mapped_column(String(64))
    failed_code_attempts: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[Account | None] = relationship(foreign_keys=[created_by_id])
    account: Mapped[Account | None] = relationship(foreign_keys=[account_id])


class SignInLink(CreatedMixin, Base):
    """An e-mailed sign-in link: single use, ten minutes, one live link per account."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    superseded_at: Mapped[datetime | None]
