"""verify-chain: recompute every link from the stored events, compare, check
every checkpoint. One pass over the log and the chain, merged by position."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import Notification
from sqlalchemy import Engine

from projections.chain.classify import Classifier, Difference
from projections.chain.keys import signature_ok
from projections.chain.links import GENESIS, Frontier, encode_record, leaf_hash
from projections.chain.links import next_link as link_after
from projections.chain.store import (
    Checkpoint,
    checkpoints,
    iter_chain,
)
from projections.events import EventSource

T = TypeVar("T")
PROGRESS_STEP = 5000


@dataclass
class ChainReport:
    """What verify-chain found."""

    events: int = 0
    chained: int = 0
    unchained: int = 0
    first: Difference | None = None
    checkpoint_failures: list[Difference] = field(default_factory=list)
    checkpoints_ok: int = 0
    # The recomputed head of the chained part: what a new checkpoint signs.
    head: tuple[int, str, int, str] = (0, GENESIS.hex(), 0, Frontier().root().hex())

    @property
    def ok(self) -> bool:
        """True when every link and every checkpoint matches."""
        return self.first is None and not self.checkpoint_failures


def _next(items: Iterator[T]) -> T | None:
    return next(items, None)


def _notifications(source: EventSource, chunk: int = 5000) -> Iterator[Notification]:
    after = 0
    while batch := source.read(after, chunk):
        yield from batch
        after = batch[-1].id


class _CheckpointCheck:
    """Compares each signed checkpoint with the tree recomputed from the events."""

    def __init__(
        self,
        stored: list[Checkpoint],
        public: Ed25519PublicKey | None,
        report: ChainReport,
    ) -> None:
        self.waiting = sorted(stored, key=lambda cp: cp.position)
        self.public = public
        self.report = report
        self.frontier = Frontier()
        self.last: tuple[int, bytes] = (0, GENESIS)
        self.good = 0

    def add(self, position: int, link: bytes) -> None:
        while self.waiting and self.waiting[0].position < position:
            self._check(self.waiting.pop(0))
        self.frontier.add(leaf_hash(position, link))
        self.last = (position, link)

    def finish(self) -> None:
        while self.waiting:
            self._check(self.waiting.pop(0))

    def _check(self, cp: Checkpoint) -> None:
        position, link = self.last
        problem = None
        if self.public is None or not signature_ok(self.public, cp):
            problem = "its signature does not verify with the public key"
        elif (position, link.hex()) != (cp.position, cp.link) or (
            self.frontier.size,
            self.frontier.root().hex(),
        ) != (cp.tree_size, cp.root):
            problem = (
                f"the events give a different chain head; history after position "
                f"{self.good} and up to {cp.position} was rewritten"
            )
        if problem is None:
            self.good = cp.position
            self.report.checkpoints_ok += 1
            return
        self.report.checkpoint_failures.append(
            Difference(
                cp.position,
                "rewritten" if "rewritten" in problem else "signature",
                f"checkpoint {cp.id} signed {cp.signed_at}: {problem}",
            )
        )


def verify_chain(
    engine: Engine,
    source: EventSource,
    public: Ed25519PublicKey | None,
    progress: Callable[[int], None] | None = None,
) -> ChainReport:
    """Recompute the chain from the events; compare with event_chain and checkpoints."""
    report = ChainReport()
    classify = Classifier(engine, source)
    checks = _CheckpointCheck(checkpoints(engine), public, report)
    frontier = checks.frontier
    events, chain = _notifications(source), iter_chain(engine)
    n, c = _next(events), _next(chain)
    computed, done = GENESIS, 0
    head: tuple[int, str, int] | None = None  # the root is taken only when needed
    while n is not None:
        if report.first is None and c is not None and c.position != n.id:
            wrong = classify.no_event(c) if c.position < n.id else classify.no_link(n)
            report.first = wrong
        computed = link_after(
            computed,
            encode_record(
                n.id, n.originator_id, n.originator_version, n.topic, n.state
            ),
        )
        matches = False
        if c is None:
            report.unchained += 1
        elif report.first is None:
            report.chained += 1
            if computed.hex() == c.link:
                matches = True
            else:
                report.first = classify.same_position(n, c)
            c = _next(chain)
        if not matches and head is not None and head[2] == frontier.size:
            report.head = (*head[:2], head[2], frontier.root().hex())
        checks.add(n.id, computed)
        if matches:
            head = (n.id, computed.hex(), frontier.size)
        report.events += 1
        if progress and report.events - done >= PROGRESS_STEP:
            progress(report.events - done)
            done = report.events
        n = _next(events)
    if head is not None and head[2] == frontier.size:
        report.head = (*head[:2], head[2], frontier.root().hex())
    if report.first is None and c is not None:
        report.first = classify.no_event(c)  # the last events are gone
    checks.finish()
    if progress:
        progress(report.events - done)
    return report
