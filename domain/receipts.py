"""Stored Lightspeed receipts and each merchant's log of receipt exceptions."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import NotFound

RECEIPT_NAMESPACE = uuid5(NAMESPACE_URL, "urn:giftledger:lightspeed-receipt")
EXCEPTION_LOG_NAMESPACE = uuid5(NAMESPACE_URL, "urn:giftledger:receipt-exceptions")
OPEN, RESOLVED = "open", "resolved"


def receipt_key(merchant_id: UUID, location_id: str, account_id: str) -> UUID:
    """The id of the receipt of one account: a second CLOSE finds the first."""
    return uuid5(RECEIPT_NAMESPACE, f"{merchant_id}/{location_id}/{account_id}")


def exception_log_key(merchant_id: UUID) -> UUID:
    """The id of a merchant's receipt-exception log."""
    return uuid5(EXCEPTION_LOG_NAMESPACE, str(merchant_id))


def exception_id(receipt_id: UUID, line_id: str) -> str:
    """The id of the exception of one line of one receipt."""
    return str(uuid5(receipt_id, line_id))


class Receipt(Aggregate):
    """A receipt that moved money or needs a person: its payload and outcomes.

    The raw payload lives only in the Recorded event (read it with the event
    store): the aggregate, which the cache keeps, holds its SHA-256.
    """

    @event("Recorded")
    def __init__(
        self,
        merchant_id: UUID,
        location_id: str,
        account_id: str,
        site_id: str,
        notification_type: str,
        payload: str,
        sha256: str,
        outcomes: list[dict[str, Any]],
        received_at: str,
    ) -> None:
        self.merchant_id = merchant_id
        self.location_id = location_id
        self.account_id = account_id
        self.site_id = site_id
        self.notification_type = notification_type
        self.sha256 = sha256
        self.outcomes = outcomes
        self.received_at = received_at

    @classmethod
    def record(
        cls, merchant_id: UUID, location_id: str, account_id: str, site_id: str,
        notification_type: str, payload: str, sha256: str,
        outcomes: list[dict[str, Any]], received_at: str,
    ) -> Receipt:  # fmt: skip
        """Store a receipt with what became of each of its gift-card lines."""
        return cls._create(
            cls.Recorded,  # type: ignore[attr-defined]  # made by @event
            id=receipt_key(merchant_id, location_id, account_id),
            merchant_id=merchant_id, location_id=location_id, account_id=account_id,
            site_id=site_id, notification_type=notification_type, payload=payload,
            sha256=sha256, outcomes=outcomes, received_at=received_at,
        )  # fmt: skip


class ExceptionLog(Aggregate):
    """A merchant's receipt lines that could not be applied, for a person."""

    @event("Started")
    def __init__(self, merchant_id: UUID) -> None:
        self.merchant_id = merchant_id
        self.entries: dict[str, dict[str, Any]] = {}

    @classmethod
    def start(cls, merchant_id: UUID) -> ExceptionLog:
        """The empty log of a merchant."""
        return cls._create(
            cls.Started,  # type: ignore[attr-defined]  # made by @event
            id=exception_log_key(merchant_id),
            merchant_id=merchant_id,
        )

    def items(self, status: str | None = None) -> list[dict[str, Any]]:
        """The entries, newest first, optionally of one status."""
        return [
            dict(entry)
            for entry in reversed(self.entries.values())
            if status is None or entry["status"] == status
        ]

    def record(self, entries: list[dict[str, Any]]) -> None:
        """Add the exceptions of one receipt."""
        if entries:
            self._recorded(entries)

    def resolve(self, entry_id: str, note: str, actor: str, at: str) -> dict[str, Any]:
        """Mark an exception resolved by a person (resolving twice changes nothing)."""
        entry = self.entries.get(entry_id)
        if entry is None:
            raise NotFound("no receipt exception with that id")
        if entry["status"] == OPEN:
            self._resolved(entry_id, note, actor, at)
        return dict(self.entries[entry_id])

    @event("Recorded")
    def _recorded(self, entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            self.entries[entry["exception_id"]] = {**entry, "status": OPEN}

    @event("Resolved")
    def _resolved(self, entry_id: str, note: str, actor: str, at: str) -> None:
        self.entries[entry_id].update(
            status=RESOLVED, resolved_at=at, resolved_by=actor, resolution_note=note
        )
