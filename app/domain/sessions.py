"""Server-side sessions: sign-out, "sign out everywhere" and revocations work on the very next request.

Timeouts per role (idle, absolute) — also in the README:
- young people: 14 days idle, 60 days in all (their own phone, unlocked by face/fingerprint/PIN);
- supporters: 30 days idle, 90 days in all (they sign in a few times a year, by e-mailed link);
- staff: 30 minutes idle, 12 hours in all (they see many children's records).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from app.domain import audit
from app.domain.tokens import hash_token, new_token
from app.models import Account, Role
from app.models.auth import UserSession


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta
    absolute: timedelta


TIMEOUTS = {
    Role.YOUNG_PERSON: Timeouts(idle=timedelta(days=14), absolute=timedelta(days=60)),
    Role.SUPPORTER: Timeouts(idle=timedelta(days=30), absolute=timedelta(days=90)),
}
STAFF_TIMEOUTS = Timeouts(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
FRESH_FOR = timedelta(minutes=5)
# Any sign-in counts as fresh for five minutes; after that, changing passkeys needs a passkey again.
FRESH_METHODS = frozenset({"passkey", "new_passkey", "link", "invitation"})
# Writing last_seen_at on every request would turn every page view into a write.
TOUCH_EVERY = timedelta(minutes=1)


def timeouts_for(account: Account) -> Timeouts:
    return TIMEOUTS.get(account.role, STAFF_TIMEOUTS)


def start_session(session: Session, account: Account, method: str, now: datetime) -> str:
    """Create a session and return the token for the cookie (only its hash is stored)."""
    token = new_token()
    limits = timeouts_for(account)
    session.add(
        UserSession(
            token_hash=hash_token(token),
            account=account,
            last_seen_at=now,
            expires_at=now + limits.absolute,
            fresh_until=now + FRESH_FOR if method in FRESH_METHODS else None,
            signed_in_with=method,
        )
    )
    account.last_sign_in_at = now
    audit.record(session, account, "sign_in", detail={"method": method})
    session.flush()
    return token


def find_session(session: Session, token: str | None, now: datetime) -> UserSession | None:
    """The live session for a cookie's token, or None if it ended, expired or went idle too long."""
    if not token:
        return None
    user_session = session.scalar(
        select(UserSession)
        .options(joinedload(UserSession.account))
        .where(UserSession.token_hash == hash_token(token))
    )
    if user_session is None or user_session.revoked_at is not None:
        return None
    account = user_session.account
    limits = timeouts_for(account)
    if (
        now >= user_session.expires_at
        or now - user_session.last_seen_at >= limits.idle
        or not account.is_active
    ):
        return None
    return user_session


def needs_touch(user_session: UserSession, now: datetime) -> bool:
    return now - user_session.last_seen_at >= TOUCH_EVERY


def touch(session: Session, user_session_id: int, now: datetime) -> None:
    """Record activity (for the idle timeout) with one UPDATE, in the caller's write transaction."""
    session.execute(update(UserSession).where(UserSession.id == user_session_id).values(last_seen_at=now))


def is_fresh(user_session: UserSession, now: datetime) -> bool:
    return user_session.fresh_until is not None and now < user_session.fresh_until


def mark_fresh(user_session: UserSession, now: datetime) -> None:
    user_session.fresh_until = now + FRESH_FOR


def end_session(session: Session, user_session: UserSession, now: datetime) -> None:
    user_session.revoked_at = now
    audit.record(session, user_session.account, "sign_out")


def end_all_sessions(
    session: Session, account: Account, now: datetime, *, reason: str, keep: UserSession | None = None
) -> int:
    """Sign the account out on every device (except ``keep``). Returns how many sessions ended."""
    query = update(UserSession).where(UserSession.account_id == account.id, UserSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    result = session.execute(query.values(revoked_at=now).execution_options(synchronize_session="fetch"))
    audit.record(
        session, account, "sign_out_everywhere", detail={"reason": reason, "sessions": result.rowcount}
    )
    return result.rowcount
