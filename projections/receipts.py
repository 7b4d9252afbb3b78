"""receipt_exceptions: the Lightspeed receipt lines that need a person, by merchant.

Projected from the ExceptionLog aggregate's events (domain.receipts): `Started`
names the merchant, `Recorded` adds (or re-opens) entries, `Resolved` closes one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from projections.bulk import chunks, replace_rows, upsert
from projections.cards import utc_naive
from projections.schema import ReadModels

LOG_TOPIC_PREFIX = "domain.receipts:ExceptionLog."
ENTRY_FIELDS = (
    "receipt_id", "business_location_id", "account_id", "site_id", "line_id",
    "kind", "code", "detail", "masked_code", "amount", "currency", "created_at",
)  # fmt: skip
TEXT_FIELDS = set(ENTRY_FIELDS) - {"amount"}


def is_log_topic(topic: str) -> bool:
    """True for the stored topics of the receipt-exception log."""
    return topic.startswith(LOG_TOPIC_PREFIX)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def apply_log_event(
    rows: dict[str, dict[str, Any]], logs: dict[str, str], position: int, e: Any
) -> list[str]:
    """Apply one log event to rows (by exception id); returns the ids it touched."""
    name, log_id = type(e).__name__, str(e.originator_id)
    if name == "Started":
        logs[log_id] = str(e.merchant_id)
        return []
    if name == "Recorded":
        touched = []
        for entry in e.entries:
            row: dict[str, Any] = {
                k: _text(entry.get(k)) if k in TEXT_FIELDS else entry.get(k)
                for k in ENTRY_FIELDS
            }
            row.update(
                exception_id=str(entry["exception_id"]), merchant_id=logs[log_id],
                position=position, status="open", resolved_at=None,
                resolved_by=None, resolution_note=None,
                recorded_at=utc_naive(e.timestamp),
            )  # fmt: skip
            rows[row["exception_id"]] = row
            touched.append(row["exception_id"])
        return touched
    if name == "Resolved" and e.entry_id in rows:
        rows[e.entry_id].update(
            status="resolved", resolved_at=_text(e.at), resolved_by=_text(e.actor),
            resolution_note=_text(e.note),
        )  # fmt: skip
        return [e.entry_id]
    return []


class ReceiptsView:
    """receipt_exceptions (and the log -> merchant map it needs)."""

    name = "receipts"

    def __init__(self, models: ReadModels) -> None:
        self.exceptions = models.receipt_exceptions
        self.logs = models.receipt_exception_logs

    def wants(self, topic: str) -> bool:
        """ExceptionLog events only."""
        return is_log_topic(topic)

    def _load(
        self, conn: Connection, events: Sequence[tuple[int, Any]]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        log_ids = sorted({str(e.originator_id) for _, e in events})
        entry_ids = sorted(
            {
                str(x["exception_id"])
                for _, e in events
                for x in getattr(e, "entries", [])
            }
            | {e.entry_id for _, e in events if hasattr(e, "entry_id")}
        )
        logs: dict[str, str] = {}
        for part in chunks(log_ids):
            query = select(self.logs).where(self.logs.c.log_id.in_(part))
            logs.update({r.log_id: r.merchant_id for r in conn.execute(query)})
        rows: dict[str, dict[str, Any]] = {}
        for part in chunks(entry_ids):
            query = select(self.exceptions).where(
                self.exceptions.c.exception_id.in_(part)
            )
            rows.update(
                {r["exception_id"]: dict(r) for r in conn.execute(query).mappings()}
            )
        return rows, logs

    def apply(self, conn: Connection, events: Sequence[tuple[int, Any]]) -> None:
        """Fold the batch's log events, then write the rows they touched."""
        if not events:
            return
        rows, logs = self._load(conn, events)
        known = dict(logs)
        touched: set[str] = set()
        for position, e in events:
            touched.update(apply_log_event(rows, logs, position, e))
        new_logs = [
            {"log_id": k, "merchant_id": v}
            for k, v in sorted(logs.items())
            if k not in known
        ]
        upsert(conn, self.logs, new_logs, ["log_id"])
        replace_rows(
            conn, self.exceptions, "exception_id", [rows[k] for k in sorted(touched)]
        )
