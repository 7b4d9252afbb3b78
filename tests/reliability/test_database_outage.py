"""PostgreSQL stops for 10 s under load: 503 service_unavailable with Retry-After,
fast, never a 500 or a hang; afterwards the service recovers by itself and the
bank invariants hold."""

from __future__ import annotations

import statistics
import threading
import time

from tests.bench.seed import LOCATION
from tests.reliability import postgres
from tests.reliability.api import Api, Lost
from tests.reliability.book import Book
from tests.reliability.checks import balances, in_store, summary, verdict
from tests.reliability.workload import Workload

OUTAGE_SECONDS = 10
FAST_SECONDS = 5.0  # a 503 must come back sooner than this
KINDS = ("redeem", "hold", "capture", "release", "refund", "adjust")


class Window:
    """When the database was down, and what the probes saw meanwhile."""

    def __init__(self) -> None:
        self.down_at = self.up_at = self.recovered_at = 0.0
        self.answers: list[tuple[str, int, float]] = []
        self.problems: list[str] = []

    def allow_503(self) -> bool:
        """503 is fine from the stop until the service recovered (plus slack)."""
        if not self.down_at:
            return False
        return not self.recovered_at or time.monotonic() < self.recovered_at + 5

    def down(self) -> None:
        self.down_at = time.monotonic()
        postgres.stop()

    def up(self) -> None:
        postgres.start()
        self.up_at = time.monotonic()


def probe(stack, window: Window, stop: threading.Event) -> None:
    """GET /readyz and a redemption every 0.2 s: status and time of each answer."""
    api = Api(stack.base_url, stack.merchant, timeout=20)
    code = next(iter(stack.cards(1, 10**6)))
    body = {"card_code": code, "amount": 1, "currency": "GBP",
            "business_location_id": LOCATION}  # fmt: skip
    n = 0
    while not stop.is_set():
        n += 1
        for what in ("readyz", "redeem"):
            try:
                if what == "readyz":
                    answer = api.send("GET", "/readyz", auth="")
                else:
                    answer = api.send("POST", "/v1/pos/redemptions", body,
                                      key=f"probe-{n}")  # fmt: skip
            except Lost as lost:
                window.problems.append(f"{what}: no answer ({lost})")
                continue
            down = window.down_at and not window.recovered_at
            if down:
                window.answers.append((what, answer.status, answer.seconds))
                if answer.status not in (200, 201, 503):
                    window.problems.append(f"{what} during outage: {answer.status}")
                if answer.status == 503 and answer.problem_fault():
                    window.problems.append(f"{what}: {answer.problem_fault()}")
                if answer.seconds > FAST_SECONDS:
                    window.problems.append(f"{what}: {answer.seconds:.1f} s to answer")
            if window.up_at and not window.recovered_at and answer.ok:
                window.recovered_at = time.monotonic()
        time.sleep(0.2)


def test_database_outage(stack) -> None:
    book, window, stop = Book(stack.cards(6, 20_000)), Window(), threading.Event()
    prober = threading.Thread(target=probe, args=(stack, window, stop), daemon=True)
    workload = Workload(stack.base_url, stack.merchant, book, clients=8, seconds=24,
                        allow_503=window.allow_503, kinds=KINDS)  # fmt: skip
    try:
        prober.start()
        workload.run([(4.0, window.down), (4.0 + OUTAGE_SECONDS, window.up)])
    finally:
        postgres.start()  # whatever happened above
        stop.set()
        prober.join(30)
    problems = window.problems + book.violations
    if not window.recovered_at:
        problems.append("the service never answered 2xx again")
    if book.stats["lost answers"]:
        problems.append(f"{book.stats['lost answers']} requests hung or lost")
    problems += balances(stack, book) + in_store(stack, book)
    times = [s for _, status, s in window.answers if status == 503] or [0.0]
    recovery = window.recovered_at - window.up_at if window.recovered_at else -1
    verdict(
        "database outage", problems,
        f"PostgreSQL down {OUTAGE_SECONDS} s under 8 clients: "
        f"{sum(1 for a in window.answers if a[1] == 503)} probe 503s "
        f"(median {statistics.median(times):.2f} s, max {max(times):.2f} s), "
        f"recovered {recovery:.1f} s after restart without a service restart; "
        f"{summary(book)}",
    )  # fmt: skip
    assert not problems, problems[:10]
