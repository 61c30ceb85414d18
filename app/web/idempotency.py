"""Idempotent POSTs: a double tap or an offline replay applies once and gets the first answer again.

The form sends ``idempotency_key`` (a hidden field made when the page was drawn) or the offline queue
sends an ``Idempotency-Key`` header. The key is stored, hashed with the account, in the same
transaction as the effect; a replay returns the stored status, redirect and body.

Two copies racing on two workers must not both run the view: the second would find the effect already
made and answer "This one can't be changed now." On SQLite ``BEGIN IMMEDIATE`` already runs them one
after the other; on PostgreSQL the second waits on a transaction-scoped advisory lock on the key until
the first commits, then finds the key and replays. The UNIQUE key stays the last line of defence.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import wraps

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import IdempotencyKey

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"


def new_key() -> str:
    return secrets.token_urlsafe(16)


def _stored_key(key: str) -> str:
    return hashlib.sha256(f"{current_user.id}:{key}".encode()).hexdigest()


def _replay(found: IdempotencyKey):
    response = current_app.response_class(found.response_body or "", status=found.response_status)
    if found.response_location:
        response.headers["Location"] = found.response_location
    response.headers["Idempotent-Replay"] = "true"
    return response


def _wait_for_other_copies(stored: str) -> None:
    """On PostgreSQL, hold the key until this transaction ends: a concurrent copy waits, then replays."""
    if db.session.get_bind().dialect.name == "postgresql":
        lock_id = int.from_bytes(bytes.fromhex(stored[:16]), "big", signed=True)
        db.session.execute(select(func.pg_advisory_xact_lock(lock_id)))


def _find(stored: str) -> IdempotencyKey | None:
    return db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == stored))


def idempotent(view):
    """Wrap a POST view that does NOT commit: this commits its effect together with the key."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = (request.headers.get(HEADER) or request.form.get(FIELD) or "").strip()
        if not key or len(key) > 100 or not current_user.is_authenticated:
            response = current_app.make_response(view(*args, **kwargs))
            db.session.commit()
            return response
        stored = _stored_key(key)
        _wait_for_other_copies(stored)
        found = _find(stored)
        if found is not None:
            return _replay(found)
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code >= 400:
            db.session.rollback()  # a refusal changes nothing; the same key may be tried again
            found = _find(stored)  # unless a copy of this request has stored its answer meanwhile
            return response if found is None else _replay(found)
        db.session.add(
            IdempotencyKey(
                key=stored,
                account_id=current_user.id,
                endpoint=request.endpoint or "",
                response_status=response.status_code,
                response_location=response.headers.get("Location"),
                response_body=response.get_data(as_text=True) if response.status_code < 300 else None,
            )
        )
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another worker stored the same key first: answer as it did
            found = _find(stored)
            if found is None:
                raise
            return _replay(found)
        return response

    return wrapper
