"""Passkeys (WebAuthn) around py_webauthn, with the replay protection the library leaves to us.

Security flow, for both ceremonies:
1. Options carry a fresh 32-byte challenge, stored with its purpose, the browser it was issued to,
   the account (when known) and an expiry five minutes away.
2. On the answer, the challenge named in the signed client data is looked up for this browser and
   purpose and *deleted before verifying*, so it can never be tried twice, pass or fail. The caller
   commits that deletion even when verification fails.
3. py_webauthn checks origin and RP ID (from configuration, never the Host header), the signature,
   and user verification (required).
4. Sign counts are stored with compare-and-swap but never relied on: synced passkeys report 0.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app.domain import audit
from app.models import Account, Passkey
from app.models.accounts import new_user_handle
from app.models.auth import ChallengePurpose, WebAuthnChallenge

CHALLENGE_LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True)
class RelyingParty:
    id: str
    name: str
    origin: str


class PasskeyError(Exception):
    """The passkey answer was refused. ``reason`` is for the audit log, never shown as is."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _new_challenge(
    session: Session,
    purpose: ChallengePurpose,
    browser_key: str,
    now: datetime,
    account: Account | None = None,
    user_handle: bytes | None = None,
) -> bytes:
    # Challenges nobody answered would otherwise pile up.
    session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.expires_at < now))
    challenge = secrets.token_bytes(32)
    session.add(
        WebAuthnChallenge(
            challenge=challenge,
            purpose=purpose,
            browser_key=browser_key,
            account_id=account.id if account else None,
            user_handle=user_handle,
            expires_at=now + CHALLENGE_LIFETIME,
        )
    )
    session.flush()
    return challenge


def _take_challenge(
    session: Session, credential: dict, purpose: ChallengePurpose, browser_key: str, now: datetime
) -> WebAuthnChallenge:
    """Find the challenge this answer signed, and delete it before anything is verified."""
    try:
        client_data = json.loads(base64url_to_bytes(credential["response"]["clientDataJSON"]))
        challenge = base64url_to_bytes(client_data["challenge"])
    except (KeyError, TypeError, ValueError) as error:
        raise PasskeyError("malformed") from error
    stored = session.scalar(
        select(WebAuthnChallenge).where(
            WebAuthnChallenge.challenge == challenge,
            WebAuthnChallenge.purpose == purpose,
            WebAuthnChallenge.browser_key == browser_key,
        )
    )
    if stored is None:
        raise PasskeyError("unknown_challenge")
    session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.id == stored.id))
    session.expunge(stored)
    if now >= stored.expires_at:
        raise PasskeyError("expired_challenge")
    return stored


def _parse(credential_json: str) -> dict:
    try:
        credential = json.loads(credential_json)
    except (TypeError, ValueError) as error:
        raise PasskeyError("malformed") from error
    if not isinstance(credential, dict):
        raise PasskeyError("malformed")
    return credential


def registration_options(
    session: Session,
    rp: RelyingParty,
    browser_key: str,
    now: datetime,
    *,
    display_name: str,
    account: Account | None = None,
) -> str:
    """Options for creating a passkey, as JSON for ``parseCreationOptionsFromJSON``.

    Without an account (an invitation not yet accepted) a new user handle is kept with the challenge,
    and the account is only created once the passkey exists.
    """
    user_handle = account.user_handle if account else new_user_handle()
    challenge = _new_challenge(
        session, ChallengePurpose.REGISTER, browser_key, now, account=account, user_handle=user_handle
    )
    existing = account.passkeys if account else []
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=user_handle,
        user_name=(account.email if account and account.email else display_name),
        user_display_name=display_name,
        challenge=challenge,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in existing],
    )
    return options_to_json(options)


@dataclass(frozen=True)
class VerifiedPasskey:
    """A checked new passkey, not yet saved: the caller decides which account it belongs to."""

    user_handle: bytes
    account_id: int | None
    credential_id: bytes
    public_key: bytes
    sign_count: int
    transports: list[str]
    device_type: str
    backed_up: bool
    aaguid: str


def verify_registration(
    session: Session, rp: RelyingParty, browser_key: str, credential_json: str, now: datetime
) -> VerifiedPasskey:
    credential = _parse(credential_json)
    stored = _take_challenge(session, credential, ChallengePurpose.REGISTER, browser_key, now)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=stored.challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, KeyError, TypeError, ValueError) as error:
        # Any answer py_webauthn cannot accept (bad JSON shape, CBOR, flags, signature…) is refused.
        raise PasskeyError("registration_refused") from error
    if session.scalar(select(Passkey.id).where(Passkey.credential_id == verified.credential_id)):
        raise PasskeyError("credential_exists")
    transports = credential.get("response", {}).get("transports") or []
    return VerifiedPasskey(
        user_handle=stored.user_handle or b"",
        account_id=stored.account_id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[str(t) for t in transports][:8],
        device_type=verified.credential_device_type.value,
        backed_up=verified.credential_backed_up,
        aaguid=str(verified.aaguid),
    )


def save_passkey(
    session: Session, account: Account, verified: VerifiedPasskey, name: str, now: datetime
) -> Passkey:
    if verified.account_id is not None and verified.account_id != account.id:
        raise PasskeyError("wrong_account")
    if verified.account_id is None and not account.passkeys:
        # An account made by this registration carries the user handle its passkey was made with.
        account.user_handle = verified.user_handle
    passkey = Passkey(
        account=account,
        credential_id=verified.credential_id,
        public_key=verified.public_key,
        sign_count=verified.sign_count,
        transports=verified.transports,
        device_type=verified.device_type,
        backed_up=verified.backed_up,
        aaguid=verified.aaguid,
        name=name,
        last_used_at=now,
    )
    session.add(passkey)
    session.flush()
    audit.record(
        session,
        account,
        "passkey.added",
        object_type="passkey",
        object_public_id=passkey.public_id,
        detail={"synced": verified.backed_up},
    )
    return passkey


def authentication_options(
    session: Session, rp: RelyingParty, browser_key: str, now: datetime, account: Account | None = None
) -> str:
    """Options for signing in. Without an account the browser offers any passkey for this site."""
    challenge = _new_challenge(session, ChallengePurpose.AUTHENTICATE, browser_key, now, account=account)
    allow = [PublicKeyCredentialDescriptor(id=p.credential_id) for p in account.passkeys] if account else []
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options)


def verify_authentication(
    session: Session, rp: RelyingParty, browser_key: str, credential_json: str, now: datetime
) -> Passkey:
    """Check a sign-in answer and return the passkey used (its account is the one signing in)."""
    credential = _parse(credential_json)
    stored = _take_challenge(session, credential, ChallengePurpose.AUTHENTICATE, browser_key, now)
    try:
        credential_id = base64url_to_bytes(credential["rawId"])
    except (KeyError, TypeError, ValueError) as error:
        raise PasskeyError("malformed") from error
    passkey = session.scalar(select(Passkey).where(Passkey.credential_id == credential_id))
    if passkey is None:
        raise PasskeyError("unknown_credential")
    if stored.account_id is not None and passkey.account_id != stored.account_id:
        raise PasskeyError("wrong_account")
    if not passkey.account.is_active:
        raise PasskeyError("account_disabled")
    _check_user_handle(credential, passkey)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=stored.challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, KeyError, TypeError, ValueError) as error:
        raise PasskeyError("authentication_refused") from error
    # Compare-and-swap: two concurrent sign-ins with one counter cannot both move it.
    session.execute(
        update(Passkey)
        .where(Passkey.id == passkey.id, Passkey.sign_count == passkey.sign_count)
        .values(sign_count=verified.new_sign_count, last_used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return passkey


def _check_user_handle(credential: dict, passkey: Passkey) -> None:
    """WebAuthn: a user handle the authenticator returns must name the credential's owner."""
    try:
        user_handle = credential.get("response", {}).get("userHandle")
        returned = base64url_to_bytes(user_handle) if user_handle else None
    except (AttributeError, TypeError, ValueError) as error:
        raise PasskeyError("malformed") from error
    if returned is not None and returned != passkey.account.user_handle:
        raise PasskeyError("wrong_account")
