"""The chain follower: reads the notification log in order and appends links.

It runs apart from the projector (its own process), so a read model that fails on
an event never holds the chain back, and it never touches the save path.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from eventsourcing.persistence import Notification
from sqlalchemy import Engine

from projections.chain.links import encode_record, next_link
from projections.chain.store import ChainRow, append_links, chain_head
from projections.events import EventSource
from projections.transient import TRANSIENT

log = logging.getLogger("giftledger.chain")

BATCH_SIZE = 5000
# It polls: one read and one transaction per quarter second carry everything
# written meanwhile. Woken by LISTEN/NOTIFY instead, it read once per commit,
# which under load cost more CPU than the links themselves (measured).
POLL_SECONDS = 0.25


def chain_rows(
    previous: bytes, notifications: Iterable[Notification]
) -> tuple[list[ChainRow], bytes]:
    """The links of notifications (in log order) after `previous`; and the last."""
    rows = []
    for n in notifications:
        record = encode_record(
            n.id, n.originator_id, n.originator_version, n.topic, n.state
        )
        previous = next_link(previous, record)
        rows.append(
            ChainRow(n.id, str(n.originator_id), n.originator_version, previous.hex())
        )
    return rows, previous


class ChainFollower:
    """Extends event_chain from the log; each batch is one transaction."""

    def __init__(
        self, engine: Engine, source: EventSource, batch_size: int = BATCH_SIZE
    ) -> None:
        self.engine = engine
        self.source = source
        self.batch_size = batch_size
        self.position = 0

    def extend(self, notifications: Iterable[Notification]) -> int:
        """Chain the notifications above the stored head; returns the new head."""
        with self.engine.begin() as conn:
            head, link = chain_head(conn)
            fresh = [n for n in notifications if n.id > head]
            rows, _ = chain_rows(link, fresh)
            append_links(conn, rows)
        self.position = rows[-1].position if rows else head
        return self.position

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Chain everything recorded so far; returns the position reached."""
        with self.engine.connect() as conn:
            self.position, _ = chain_head(conn)
        while True:
            batch = self.source.read(self.position, self.batch_size)
            if not batch:
                return self.position
            before = self.position
            self.extend(batch)
            if progress:
                progress(self.position - before)

    def run(self, stop: threading.Event, poll_interval: float = POLL_SECONDS) -> None:
        """Follow the log until `stop` is set; waits out database outages."""
        backoff = 0.5
        log.info("chain: following the event log")
        while not stop.is_set():
            try:
                self.catch_up()
                backoff = 0.5
                stop.wait(poll_interval)
            except TRANSIENT as error:
                log.warning(
                    "chain: %s; retrying in %.1fs", type(error).__name__, backoff
                )
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
