"""Where a command came from: recorded on every event for the audit trail."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

SOURCES = frozenset({"pos", "lightspeed_rtn", "admin", "system"})


@dataclass(frozen=True)
class Origin:
    """Source, actor, site and idempotency key of one command."""

    source: str
    actor: str = ""
    site_id: str | None = None
    idempotency_key: str | None = None
    fingerprint: str | None = None
    receipt_id: str | None = None
    occurred_at: str | None = None

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"unknown source {self.source!r}")

    def as_event(self) -> dict[str, Any]:
        """The dict stored in events (plain JSON values only)."""
        # Every field is a str or None: no need for asdict's recursive copy.
        return {name: getattr(self, name) for name in FIELD_NAMES}

    def with_fingerprint(self, *parts: object) -> Origin:
        """A copy carrying the fingerprint of the command's arguments."""
        return replace(self, fingerprint=fingerprint(*parts))

    def keyed(self, suffix: str) -> Origin:
        """A copy whose idempotency key is derived for one part of a command."""
        if self.idempotency_key is None:
            return self
        return replace(self, idempotency_key=f"{self.idempotency_key}#{suffix}")


FIELD_NAMES = tuple(f.name for f in fields(Origin))


def system_origin(now: datetime) -> Origin:
    """The origin of events the ledger writes on its own (expiry, sweeps)."""
    return Origin(source="system", actor="system", occurred_at=now.isoformat())


def fingerprint(*parts: object) -> str:
    """A stable digest of a command's arguments, to tell a retry from a reuse."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
