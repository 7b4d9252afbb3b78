"""Naming a difference between the stored events and their chain."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import Engine

from projections.chain.store import ChainRow, find_link
from projections.events import EventSource


@dataclass(frozen=True)
class Difference:
    """Where the stored history first differs from its chain, and how."""

    position: int
    kind: str  # changed | missing | inserted | reordered | rewritten
    detail: str

    def __str__(self) -> str:
        return f"position {self.position}: {self.kind}: {self.detail}"


class Classifier:
    """Names a difference: was the event moved, removed, added or changed?"""

    def __init__(self, engine: Engine, source: EventSource) -> None:
        self.engine = engine
        self.source = source

    def in_store(self, originator_id: str, version: int) -> bool:
        found = self.source.recorder.select_events(
            UUID(originator_id), gt=version - 1, lte=version, limit=1
        )
        return bool(found)

    def in_chain(self, n: Notification) -> int | None:
        return find_link(self.engine, str(n.originator_id), n.originator_version)

    def same_position(self, n: Notification, c: ChainRow) -> Difference:
        ident = (str(n.originator_id), n.originator_version)
        if ident == (c.originator_id, c.version):
            return Difference(n.id, "changed", f"event {ident[0]} v{ident[1]}")
        moved_here = self.in_chain(n)
        chained_still = self.in_store(c.originator_id, c.version)
        was = f"the chain has {c.originator_id} v{c.version} here"
        if moved_here is not None and chained_still:
            kind = "reordered"
        elif moved_here is not None:
            kind = "missing"
        elif chained_still:
            kind = "inserted"
        else:
            kind = "changed"
        return Difference(n.id, kind, f"{was}, the store {ident[0]} v{ident[1]}")

    def no_event(self, c: ChainRow) -> Difference:
        kind = "reordered" if self.in_store(c.originator_id, c.version) else "missing"
        return Difference(
            c.position, kind, f"no event here; chained {c.originator_id} v{c.version}"
        )

    def no_link(self, n: Notification) -> Difference:
        at = self.in_chain(n)
        kind = "inserted" if at is None else "reordered"
        where = "never chained" if at is None else f"chained at position {at}"
        return Difference(
            n.id, kind, f"event {n.originator_id} v{n.originator_version} {where}"
        )
