"""Credentials: generated with a CSPRNG, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidRequest

KINDS = {"webhook": "glw", "pos": "glp", "admin": "gla"}
_KIND_OF_PREFIX = {prefix: kind for kind, prefix in KINDS.items()}
USERNAME_LENGTH = 36  # a 3-letter kind prefix, "_", 32 hex digits


def hash_secret(secret: str) -> str:
    """SHA-256 of a 256-bit random secret: brute force is hopeless, no KDF needed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """A fresh 256-bit secret."""
    return secrets.token_urlsafe(32)


def username_for(kind: str, credential_id: UUID) -> str:
    """The public half of a credential: its kind prefix and id."""
    return f"{KINDS[kind]}_{credential_id.hex}"


def parse_username(username: str) -> tuple[str, UUID] | None:
    """The kind and credential id of a username, or None when malformed."""
    if len(username) != USERNAME_LENGTH:
        return None  # nor is it cached: a stranger's header is never kept
    return _parse_username(username)


@lru_cache(maxsize=1024)  # asked twice per request (read-ahead, then the check)
def _parse_username(username: str) -> tuple[str, UUID] | None:
    prefix, _, hex_id = username.partition("_")
    if prefix not in _KIND_OF_PREFIX or len(hex_id) != 32:
        return None
    try:
        return _KIND_OF_PREFIX[prefix], UUID(hex=hex_id)
    except ValueError:
        return None


def split_token(token: str) -> tuple[str, str]:
    """A bearer token is `<username>.<secret>`; return both halves."""
    username, _, secret = token.partition(".")
    return username, secret


class Credential(Aggregate):
    """One credential of one merchant: webhook, POS or admin."""

    @event("Issued")
    def __init__(self, merchant_id: UUID, kind: str, secret_hash: str) -> None:
        self.merchant_id = merchant_id
        self.kind = kind
        self.secret_hash = secret_hash
        self.revoked = False

    @classmethod
    def issue(
        cls, credential_id: UUID, merchant_id: UUID, kind: str
    ) -> tuple[Credential, str]:
        """A new credential and its secret, which is never stored."""
        if kind not in KINDS:
            raise InvalidRequest(
                "unknown credential kind", {"kind": [f"must be one of {sorted(KINDS)}"]}
            )
        secret = new_secret()
        cred = cls._create(
            cls.Issued,  # type: ignore[attr-defined]  # made by @event
            id=credential_id,
            merchant_id=merchant_id,
            kind=kind,
            secret_hash=hash_secret(secret),
        )
        return cred, secret

    def verify(self, secret: str) -> bool:
        """Constant-time check of a presented secret; revoked never verifies."""
        ok = hmac.compare_digest(self.secret_hash, hash_secret(secret))
        return ok and not self.revoked

    def revoke(self) -> None:
        """Stop the credential working, at once and for good."""
        if not self.revoked:
            self._revoked()

    @event("Revoked")
    def _revoked(self) -> None:
        self.revoked = True
