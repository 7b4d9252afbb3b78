"""Credentials: generated with a CSPRNG, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidRequest

KINDS = {"webhook": "glw", "pos": "glp", "admin": "gla", "device": "gld"}
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
        return None
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
    """One credential of one merchant: webhook, POS, admin or a paired POS device."""

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

    # A device credential (domain/pairing.py) belongs to one site and is seen.
    @property
    def site_id(self) -> str | None:
        """The site a device credential was paired for (None for other kinds)."""
        return self.__dict__.get("paired_site_id")

    @property
    def last_seen_at(self) -> datetime | None:
        """When a device credential last made a call (recorded once a minute)."""
        return self.__dict__.get("seen_at")

    def scope_to_site(self, site_id: str) -> None:
        """Tie a device credential to the site it was paired for."""
        self._scoped_to_site(site_id)

    def seen(self, at: datetime) -> None:
        """Record that the device made a call at `at`."""
        self._seen(at)

    @event("ScopedToSite")
    def _scoped_to_site(self, site_id: str) -> None:
        self.paired_site_id = site_id

    @event("Seen")
    def _seen(self, at: datetime) -> None:
        self.seen_at = at
