"""E-mailed sign-in links for supporters (family and friends who have no passkey).

- Only an existing, active supporter account gets a link; the caller answers the same either way.
- The token is 32 random bytes; only its SHA-256 hash is stored, and it never goes into the audit log.
- One live link per account: issuing a new one marks the earlier ones superseded.
- A link works once, for ten minutes. Using it is one atomic UPDATE, so two taps cannot both succeed.
- Looking a link up (the page a mail scanner or a person opens) never uses it up.

Domain code: the caller passes the session and the time, and commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.domain import audit
from app.domain.tokens import hash_token, new_token
from app.models import Account, Role
from app.models.auth import SignInLink

LIFETIME = timedelta(minutes=10)


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def _supporter_by_email(session: Session, email: str) -> Account | None:
    address = normalise_email(email)
    if not address:
        return None
    # Locks the account row on PostgreSQL, so two requests at once still leave one live link.
    # (SQLite needs no lock: BEGIN IMMEDIATE already lets one writer in at a time.)
    account = session.scalar(
        select(Account)
        .where(func.lower(Account.email) == address, Account.role == Role.SUPPORTER)
        .with_for_update()
    )
    if account is None or not account.is_active:
        return None
    return account


def request_link(session: Session, email: str, now: datetime) -> tuple[Account, str] | None:
    """Issue a link for the supporter with this address: (account, token), or None if there is none."""
    account = _supporter_by_email(session, email)
    if account is None:
        return None
    superseded = session.execute(
        update(SignInLink)
        .where(
            SignInLink.account_id == account.id,
            SignInLink.used_at.is_(None),
            SignInLink.superseded_at.is_(None),
            SignInLink.expires_at > now,
        )
        .values(superseded_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    token = new_token()
    session.add(SignInLink(token_hash=hash_token(token), account_id=account.id, expires_at=now + LIFETIME))
    audit.record(
        session,
        account,
        "sign_in_link.issued",
        object_type="account",
        object_public_id=account.public_id,
        detail={"superseded": superseded, "valid_minutes": int(LIFETIME.total_seconds() // 60)},
    )
    session.flush()
    return account, token


def is_live(session: Session, token: str, now: datetime) -> bool:
    """Whether the link would still work. Only reads: opening the link's page uses nothing up."""
    found = session.scalar(
        select(SignInLink.id).where(
            SignInLink.token_hash == hash_token(token),
            SignInLink.used_at.is_(None),
            SignInLink.superseded_at.is_(None),
            SignInLink.expires_at > now,
        )
    )
    return found is not None


def use_link(session: Session, token: str, now: datetime) -> Account | None:
    """Use the link up and return its account, or None if it is unknown, used, superseded or too old."""
    token_hash = hash_token(token)
    result = session.execute(
        update(SignInLink)
        .where(
            SignInLink.token_hash == token_hash,
            SignInLink.used_at.is_(None),
            SignInLink.superseded_at.is_(None),
            SignInLink.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    account = session.scalar(
        select(Account)
        .join(SignInLink, SignInLink.account_id == Account.id)
        .where(SignInLink.token_hash == token_hash)
    )
    # Removed or no longer a supporter since the link was sent: the link is spent and signs no one in.
    if account is None or not account.is_active or account.role is not Role.SUPPORTER:
        return None
    return account


def owner_of_spent_link(session: Session, token: str) -> Account | None:
    """The active supporter a known link belongs to, so a used or old link can bring a fresh one.

    Call it only after ``use_link`` refused the token: then any link it finds is spent.
    """
    account = session.scalar(
        select(Account)
        .join(SignInLink, SignInLink.account_id == Account.id)
        .where(SignInLink.token_hash == hash_token(token))
    )
    if account is None or not account.is_active or account.role is not Role.SUPPORTER:
        return None
    return account
