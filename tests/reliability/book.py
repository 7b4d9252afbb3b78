"""The clients' own log of what the service acknowledged, and what went wrong."""

from __future__ import annotations

import random
import statistics
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    """One money-moving request, sent again verbatim on a retry or a resend."""

    kind: str
    card: str
    method: str
    path: str
    body: dict[str, Any]
    auth: str = "pos"
    key: str | None = None
    amount: int = 0
    account: str | None = None
    hold: tuple[str, str, int, str] | None = None  # what a capture/release took
    refund_of: list[Any] | None = None  # the refundable entry a refund took from


@dataclass
class Book:
    """Shared by every client thread: balances owed, open holds, violations."""

    initial: dict[str, int]
    lock: threading.Lock = field(default_factory=threading.Lock)
    deltas: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[tuple[str, str]] = field(default_factory=Counter)
    open_holds: list[tuple[str, str, int, str]] = field(default_factory=list)
    refundable: list[list[Any]] = field(default_factory=list)
    acked_keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    acked_receipts: list[str] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def violate(self, what: str) -> None:
        """Record a broken invariant (kept short; the first few are printed)."""
        with self.lock:
            self.violations.append(what[:300])

    def count(self, what: str, n: int = 1) -> None:
        """Bump a counter."""
        with self.lock:
            self.stats[what] += n

    def take_hold(self, rng: random.Random) -> tuple[str, str, int, str] | None:
        """An open hold no other client will touch."""
        with self.lock:
            if not self.open_holds:
                return None
            return self.open_holds.pop(rng.randrange(len(self.open_holds)))

    def take_refund(self, rng: random.Random) -> tuple[list[Any], int] | None:
        """A redemption with something left to refund, and an amount reserved."""
        with self.lock:
            live = [r for r in self.refundable if r[2] > 0]
            if not live:
                return None
            entry = rng.choice(live)
            amount = rng.randint(1, entry[2])
            entry[2] -= amount
            return entry, amount

    def give_back(self, entry: list[Any], amount: int) -> None:
        """A refund was refused: its reservation is free again."""
        with self.lock:
            entry[2] += amount

    def acknowledge(self, req: Request, delta: int) -> None:
        """The service said yes: the card's balance owes `delta`."""
        with self.lock:
            self.deltas[req.card] += delta
            self.by_kind[req.card, req.kind] += delta
            if req.key:
                self.acked_keys[req.card].add(req.key)
            if req.kind == "rtn" and req.account:
                self.acked_receipts.append(req.account)
            self.stats["acknowledged"] += 1

    def expected(self, card: str) -> int:
        """The balance the clients' log says the card must have."""
        return self.initial[card] + self.deltas[card]

    def latency(self) -> tuple[float, float]:
        """p50 and p99 of the answers, in ms."""
        with self.lock:
            data = sorted(self.latencies) or [0.0]
        p99 = data[min(len(data) - 1, int(len(data) * 0.99))]
        return statistics.median(data) * 1000, p99 * 1000
