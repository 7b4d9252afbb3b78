"""A merchant's proof: its card events, each with an inclusion path to a checkpoint.

Other merchants appear only as hashes (previous links and audit-path siblings)
and as the tree's size; docs/tamper-evidence.md has the format.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import Engine

from projections.cards import is_card_topic
from projections.chain.links import GENESIS, audit_path, leaf_hash, tree_levels
from projections.chain.store import Checkpoint, iter_chain
from projections.events import READ_CHUNK, EventSource
from projections.fold import Fold

FORMAT = "giftledger-proof-v1"


def _entry(n: Notification) -> dict[str, Any]:
    return {
        "position": n.id,
        "originator_id": str(n.originator_id),
        "version": n.originator_version,
        "topic": n.topic,
        "state": base64.b64encode(n.state).decode("ascii"),
    }


class _Tree:
    """The checkpoint's tree, rebuilt from the stored links."""

    def __init__(self, engine: Engine, checkpoint: Checkpoint) -> None:
        rows = list(iter_chain(engine, upto=checkpoint.position))
        self.positions = [r.position for r in rows]
        self.links = [bytes.fromhex(r.link) for r in rows]
        self.index = {p: i for i, p in enumerate(self.positions)}
        leaves = [
            leaf_hash(p, link)
            for p, link in zip(self.positions, self.links, strict=True)
        ]
        self.levels = tree_levels(leaves) if leaves else [[]]

    def prove(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Add the event's index, previous link and audit path (None if unchained)."""
        i = self.index.get(entry["position"])
        previous = None if i is None else (self.links[i - 1] if i else GENESIS)
        path = [] if i is None else audit_path(self.levels, i)
        return {
            **entry,
            "index": i,
            "previous_link": None if previous is None else previous.hex(),
            "path": [h.hex() for h in path],
        }

    def head(self) -> dict[str, Any]:
        """The last leaf's path: the signed link is the tree's last leaf."""
        last = len(self.positions) - 1
        return {
            "index": last,
            "position": self.positions[last] if last >= 0 else 0,
            "path": [h.hex() for h in audit_path(self.levels, last)]
            if last >= 0
            else [],
        }


def _receipt_sha256(source: EventSource, event: Any, cache: dict[str, Any]) -> Any:
    receipt_id = (getattr(event, "origin", None) or {}).get("receipt_id")
    if not receipt_id:
        return None
    if receipt_id not in cache:
        try:
            cache[receipt_id] = source.app.repository.get(UUID(receipt_id)).sha256
        except Exception:  # a receipt that was never stored: say so, not guess
            cache[receipt_id] = "unknown"
    return cache[receipt_id]


def build_proof(
    engine: Engine,
    source: EventSource,
    checkpoint: Checkpoint,
    merchant_id: UUID,
    card_id: UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """The proof document (a JSON-ready dict)."""
    tree = _Tree(engine, checkpoint)
    cards: set[UUID | str] = set()
    fold = Fold(as_of=until)
    events, receipts = [], {}  # type: ignore[var-annotated]
    after = 0
    while batch := source.read(after, READ_CHUNK, checkpoint.position):
        after = batch[-1].id
        for n in batch:
            if not is_card_topic(n.topic):
                continue
            if n.originator_version == 1 and n.topic.endswith(".Issued"):
                e = source.decode(n)
                if e.merchant_id == merchant_id:
                    cards.add(n.originator_id)
            if n.originator_id not in cards or card_id not in (None, n.originator_id):
                continue
            e = source.decode(n)
            at = e.timestamp.astimezone(UTC)
            if until is not None and at > until:
                continue
            fold.feed(n.id, e)
            if since is not None and at < since:
                continue
            entry = tree.prove(_entry(n))
            entry["receipt_sha256"] = _receipt_sha256(source, e, receipts)
            events.append(entry)
    return {
        "format": FORMAT,
        "merchant_id": str(merchant_id),
        "filters": {
            "card": None if card_id is None else str(card_id),
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
        },
        "checkpoint": {k: v for k, v in checkpoint.__dict__.items() if k != "id"},
        "head": tree.head(),
        "events": events,
        "ledger_balances": {
            row.card_id: {
                "masked_code": row.masked_code,
                "currency": row.currency,
                "balance": row.balance,
                "held": row.held,
                "state": row.state,
            }
            for row in fold.cards.values()
        },
    }
