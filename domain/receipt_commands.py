"""Lightspeed receipt commands: apply a translated receipt in one atomic save."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.accounts import PosAccount
from domain.errors import NotFound
from domain.ledger_core import LedgerCore
from domain.receipt_batch import EXCEPTION, ReceiptBatch
from domain.receipt_header import ReceiptHeader
from domain.receipt_plan import Command, ReceiptContext
from domain.receipts import (
    ExceptionLog,
    Receipt,
    exception_id,
    exception_log_key,
)

Planner = Callable[[ReceiptContext], Sequence[Command]]
# The exception log only grows: snapshot it now and then so it loads quickly.
LOG_SNAPSHOT_INTERVAL = 50


@dataclass(frozen=True)
class ReceiptResult:
    """What became of a receipt: its stored id (if any) and one outcome per line."""

    receipt_id: str | None
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    duplicate: bool = False


def apply_receipt(
    ledger: LedgerCore, header: ReceiptHeader, planner: Planner
) -> ReceiptResult:
    """Run a receipt's commands: all in one save, or none; a re-sent one is a
    duplicate. `planner` turns the ledger's context into commands (pure)."""

    def command() -> ReceiptResult:
        now = ledger.clock()
        merchant_id = header.merchant_id
        account = ledger.get_aggregate(header.account_uuid)
        if not header.has_gift_card_lines and not isinstance(account, PosAccount):
            # Most receipts: nothing to do, so read nothing more, write nothing.
            return ReceiptResult(receipt_id=None)
        stored = ledger.get_aggregate(header.receipt_id)
        if isinstance(stored, Receipt):
            return ReceiptResult(
                receipt_id=str(stored.id), outcomes=stored.outcomes, duplicate=True
            )
        batch = ReceiptBatch(ledger, header, now)
        holds, taken = batch.account_context(account) if account else ((), ())
        prior: tuple[Any, ...] = ()
        if header.origin_receipt_id:
            original = ledger.get_aggregate(header.origin_receipt_id)
            if isinstance(original, Receipt):
                prior = batch.prior_lines(original)
        commands = planner(
            ReceiptContext(
                merchant_id=merchant_id, holds=holds, prior=prior, taken=taken
            )
        )
        if not commands:
            return ReceiptResult(receipt_id=None)
        outcomes = [batch.apply(c) for c in commands]
        receipt = Receipt.record(
            merchant_id, header.location_id, header.account_id, header.site_id,
            header.notification_type, header.payload, header.sha256, outcomes,
            now.isoformat(),
        )  # fmt: skip
        if account:
            account.settle(batch.settled_holds(account))
        log = log_exceptions(ledger, receipt, now.isoformat())
        ledger.save(receipt, *batch.aggregates(), account, log)
        if log and log.version % LOG_SNAPSHOT_INTERVAL == 0 and ledger.snapshots:
            ledger.take_snapshot(log.id)
        return ReceiptResult(receipt_id=str(receipt.id), outcomes=outcomes)

    # Deliveries of one receipt take turns in this process; other processes
    # race through optimistic concurrency (the Receipt's version 1).
    return ledger.retrying(
        command, key=header.receipt_id, touches=receipt_reads(header)
    )


def receipt_reads(header: ReceiptHeader) -> list[UUID]:
    """What applying the receipt reads: all of it in one query up front."""
    reads = [header.account_uuid, header.receipt_id]
    if header.has_gift_card_lines:
        reads += [header.merchant_id, *header.card_ids]
        if header.origin_receipt_id:
            reads.append(header.origin_receipt_id)
    return reads


def log_exceptions(
    ledger: LedgerCore, receipt: Receipt, at: str
) -> ExceptionLog | None:
    entries = [
        {
            "exception_id": exception_id(
                receipt.id, str(out["line_id"] or out["hold_id"])
            ),
            "receipt_id": str(receipt.id),
            "business_location_id": receipt.location_id,
            "account_id": receipt.account_id,
            "site_id": receipt.site_id,
            "line_id": out["line_id"],
            "kind": out["kind"],
            "code": out["code"],
            "detail": out["detail"],
            "masked_code": out["masked_code"],
            "amount": out["amount"],
            "currency": out["currency"],
            "created_at": at,
        }
        for out in receipt.outcomes
        if out["result"] == EXCEPTION
    ]
    if not entries:
        return None
    log = ledger.get_aggregate(exception_log_key(receipt.merchant_id))
    if not isinstance(log, ExceptionLog):
        log = ExceptionLog.start(receipt.merchant_id)
    log.record(entries)
    return log


def receipt_exceptions(
    ledger: LedgerCore, merchant_id: UUID, status: str | None = None
) -> list[dict[str, Any]]:
    """The merchant's receipt exceptions, newest first."""
    ledger.merchant(merchant_id)
    log = ledger.get_aggregate(exception_log_key(merchant_id))
    return log.items(status) if isinstance(log, ExceptionLog) else []


def resolve_receipt_exception(
    ledger: LedgerCore, merchant_id: UUID, entry_id: str, note: str, actor: str
) -> dict[str, Any]:
    """Mark a receipt exception dealt with by a person."""

    def command() -> dict[str, Any]:
        ledger.merchant(merchant_id)
        log = ledger.get_aggregate(exception_log_key(merchant_id))
        if not isinstance(log, ExceptionLog):
            raise NotFound("no receipt exception with that id")
        entry = log.resolve(entry_id, note, actor, ledger.clock().isoformat())
        ledger.save(log)
        return entry

    return ledger.retrying(command)


def stored_receipt(
    ledger: LedgerCore, merchant_id: UUID, receipt_id: UUID
) -> dict[str, Any]:
    """A stored receipt of the merchant: its raw payload, SHA-256 and outcomes."""
    receipt = ledger.get_aggregate(receipt_id)
    if not isinstance(receipt, Receipt) or receipt.merchant_id != merchant_id:
        raise NotFound("no receipt with that id")
    first = next(iter(ledger.events.get(receipt_id, lte=1)))
    return {
        "receipt_id": str(receipt.id),
        "business_location_id": receipt.location_id,
        "account_id": receipt.account_id,
        "site_id": receipt.site_id,
        "notification_type": receipt.notification_type,
        "received_at": receipt.received_at,
        "sha256": receipt.sha256,
        "payload": first.payload,  # type: ignore[attr-defined]
        "outcomes": receipt.outcomes,
    }
