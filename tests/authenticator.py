"""A software WebAuthn authenticator for tests, written from the WebAuthn Level 3 spec.

It plays both the browser and a platform authenticator: it takes the options JSON our server sends
(what ``PublicKeyCredential.parseCreationOptionsFromJSON`` / ``parseRequestOptionsFromJSON`` would
read) and returns what ``credential.toJSON()`` gives back. Keys are ES256 (ECDSA P-256 with SHA-256),
attestation is always "none". Every binary value is base64url without padding.

Beyond an honest authenticator it can misbehave on request, the way a tampered client could: put
another RP ID's hash in the authenticator data (``rp_id=``; the credential is still the one stored for
the options' RP), skip user verification (``user_verified=False``), or sign with a credential the
server did not ask for (``credential_id=``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

# Authenticator data flags (WebAuthn §6.1).
FLAG_UP = 0x01  # user present
FLAG_UV = 0x04  # user verified
FLAG_BE = 0x08  # backup eligible
FLAG_BS = 0x10  # backed up
FLAG_AT = 0x40  # attested credential data included

COSE_ALG_ES256 = -7


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


class AuthenticatorRefused(Exception):
    """What the browser would reject the promise with, e.g. ``InvalidStateError``."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name


@dataclass
class StoredCredential:
    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


class SoftAuthenticator:
    """A platform authenticator holding discoverable ES256 credentials in memory."""

    def __init__(
        self,
        *,
        aaguid: bytes = bytes(16),
        backup_eligible: bool = False,
        backed_up: bool = False,
        counts_signatures: bool = True,
    ):
        if len(aaguid) != 16:
            raise ValueError("an AAGUID is 16 bytes")
        self.aaguid = aaguid
        self.backup_eligible = backup_eligible
        self.backed_up = backed_up
        self.counts_signatures = counts_signatures
        self.credentials: list[StoredCredential] = []

    @classmethod
    def synced(cls) -> SoftAuthenticator:
        """Like a passkey in a cloud keychain: backed up, and its sign count always stays 0."""
        return cls(backup_eligible=True, backed_up=True, counts_signatures=False)

    # -- navigator.credentials.create -------------------------------------------------------------

    def create(
        self, options_json: str, origin: str, *, user_verified: bool = True, rp_id: str | None = None
    ) -> str:
        options = json.loads(options_json)
        rp_id_hashed = rp_id if rp_id is not None else options["rp"]["id"]
        rp_id = options["rp"]["id"]
        if not any(p.get("alg") == COSE_ALG_ES256 for p in options.get("pubKeyCredParams", [])):
            raise AuthenticatorRefused("NotSupportedError", "no algorithm this authenticator supports")
        excluded = {from_b64url(c["id"]) for c in options.get("excludeCredentials", [])}
        if any(c.credential_id in excluded and c.rp_id == rp_id for c in self.credentials):
            raise AuthenticatorRefused("InvalidStateError", "a credential for this account is already here")

        credential = StoredCredential(
            credential_id=secrets.token_bytes(32),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            rp_id=rp_id,
            user_handle=from_b64url(options["user"]["id"]),
        )
        self.credentials.append(credential)

        cose_key = self._cose_public_key(credential.private_key.public_key())
        attested_credential_data = (
            self.aaguid
            + struct.pack(">H", len(credential.credential_id))
            + credential.credential_id
            + cose_key
        )
        authenticator_data = (
            self._authenticator_data(rp_id_hashed, user_verified, FLAG_AT, credential.sign_count)
            + attested_credential_data
        )
        attestation_object = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": authenticator_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        public_key_der = credential.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return json.dumps(
            {
                "id": b64url(credential.credential_id),
                "rawId": b64url(credential.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "attestationObject": b64url(attestation_object),
                    "authenticatorData": b64url(authenticator_data),
                    "publicKey": b64url(public_key_der),
                    "publicKeyAlgorithm": COSE_ALG_ES256,
                    "transports": ["internal"],
                },
                "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
            }
        )

    # -- navigator.credentials.get ----------------------------------------------------------------

    def get(
        self,
        options_json: str,
        origin: str,
        *,
        user_verified: bool = True,
        rp_id: str | None = None,
        credential_id: bytes | None = None,
    ) -> str:
        """Sign the challenge. ``credential_id`` picks that credential even if the server did not allow it."""
        options = json.loads(options_json)
        credential = self._choose(options, options["rpId"], credential_id)
        rp_id_hashed = rp_id if rp_id is not None else options["rpId"]
        if self.counts_signatures:
            credential.sign_count += 1

        authenticator_data = self._authenticator_data(rp_id_hashed, user_verified, 0, credential.sign_count)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = credential.private_key.sign(
            authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": b64url(credential.credential_id),
                "rawId": b64url(credential.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "authenticatorData": b64url(authenticator_data),
                    "signature": b64url(signature),
                    "userHandle": b64url(credential.user_handle),
                },
                "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
            }
        )

    # -- the parts ----------------------------------------------------------------------------------

    def _choose(self, options: dict, rp_id: str, credential_id: bytes | None) -> StoredCredential:
        if credential_id is not None:
            for credential in self.credentials:
                if credential.credential_id == credential_id:
                    return credential
            raise LookupError("this authenticator holds no such credential")
        allowed = {from_b64url(c["id"]) for c in options.get("allowCredentials", [])}
        for credential in self.credentials:
            if credential.rp_id == rp_id and (not allowed or credential.credential_id in allowed):
                return credential
        raise AuthenticatorRefused("NotAllowedError", "no credential here for this request")

    def _authenticator_data(
        self, rp_id: str, user_verified: bool, extra_flags: int, sign_count: int
    ) -> bytes:
        flags = FLAG_UP | extra_flags
        if user_verified:
            flags |= FLAG_UV
        if self.backup_eligible:
            flags |= FLAG_BE
        if self.backed_up:
            flags |= FLAG_BS
        rp_id_hash = hashlib.sha256(rp_id.encode("utf-8")).digest()
        return rp_id_hash + bytes([flags]) + struct.pack(">I", sign_count)

    @staticmethod
    def _client_data(ceremony: str, challenge: str, origin: str) -> bytes:
        # Browsers serialise it compactly, in this member order (WebAuthn §5.8.1.1).
        value = {
            "type": ceremony,
            "challenge": b64url(from_b64url(challenge)),
            "origin": origin,
            "crossOrigin": False,
        }
        return json.dumps(value, separators=(",", ":")).encode("utf-8")

    @staticmethod
    def _cose_public_key(public_key: ec.EllipticCurvePublicKey) -> bytes:
        numbers = public_key.public_numbers()
        # COSE_Key (RFC 9052/9053): kty EC2, alg ES256, crv P-256, x, y.
        return cbor2.dumps(
            {
                1: 2,
                3: COSE_ALG_ES256,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
