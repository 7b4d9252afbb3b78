"""One-time pairing codes: a manager's code lets one POS device get its credential.

A code is short enough to type on an iPad (8 letters and digits, no look-alikes),
lives 10 minutes and works once. Only its SHA-256 is stored, and the aggregate's
id is derived from that hash, so the code itself is found without being kept.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import PairingCodeInvalid

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed
LENGTH = 8
LIFETIME = timedelta(minutes=10)
PAIRING_NAMESPACE = UUID("9a4f3f0e-5d0b-4d5e-9a39-2f1c8c1e6b70")


def new_pairing_code() -> str:
    """A fresh code, shown as two groups of four: `K7QM-4XTP`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(code: str) -> str:
    """What was typed, without spaces or dashes, in capitals."""
    return "".join(code.split()).replace("-", "").upper()


def pairing_code_id(code: str) -> UUID:
    """The aggregate id of a code, from its hash only."""
    return uuid5(PAIRING_NAMESPACE, code_hash(code))


def code_hash(code: str) -> str:
    """SHA-256 of the normalised code."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()


class PairingCode(Aggregate):
    """A one-time code for pairing a POS device with one site of one merchant."""

    @event("Created")
    def __init__(
        self, merchant_id: UUID, site_id: str, code_hash: str, expires_at: datetime
    ) -> None:
        self.merchant_id = merchant_id
        self.site_id = site_id
        self.code_hash = code_hash
        self.expires_at = expires_at
        self.device_id: str | None = None

    @classmethod
    def create(
        cls, code: str, merchant_id: UUID, site_id: str, now: datetime
    ) -> PairingCode:
        """A new code for a site, valid for LIFETIME from `now`."""
        return cls._create(
            cls.Created,  # made by @event
            id=pairing_code_id(code),
            merchant_id=merchant_id,
            site_id=site_id,
            code_hash=code_hash(code),
            expires_at=now + LIFETIME,
        )

    def check(self, now: datetime) -> None:
        """Refuse a code already used or expired."""
        if self.device_id is not None:
            raise PairingCodeInvalid("that pairing code was already used")
        if now >= self.expires_at:
            raise PairingCodeInvalid("that pairing code has expired: ask for a new one")

    def use(self, device_id: str, now: datetime) -> None:
        """Spend the code on the device it paired."""
        self.check(now)
        self._used(device_id)

    @event("Used")
    def _used(self, device_id: str) -> None:
        self.device_id = device_id
