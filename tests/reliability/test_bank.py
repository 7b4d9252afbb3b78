"""The bank test (after Jepsen's bank workload) against gunicorn and PostgreSQL.

32 clients run random holds, captures, releases, redemptions, refunds, adjustments
and RTN receipts on 10 cards; 10% of acknowledged requests are sent again with the
same key and 3% go out twice at once. At the end every card's balance equals the
sum of what the clients' own log says was acknowledged; no answer ever showed a
negative balance; the projections equal the events; no 5xx.
"""

from __future__ import annotations

import os

from tests.reliability.book import Book
from tests.reliability.checks import (
    balances,
    in_store,
    projections_converge,
    summary,
    verdict,
)
from tests.reliability.workload import Workload

# The 60 s; the whole suite still takes about 3 minutes on 2 cores.
SECONDS = float(os.environ.get("BANK_SECONDS", "60"))


def test_bank(stack) -> None:
    book = Book(stack.cards(10, 20_000))
    Workload(stack.base_url, stack.merchant, book, clients=32, seconds=SECONDS).run()
    problems = book.violations + balances(stack, book) + in_store(stack, book)
    converged, figures = projections_converge(stack)
    problems += converged
    verdict(
        "bank", problems, f"32 clients, 10 cards, {SECONDS:g} s: {summary(book)}; "
        f"balances = log on {len(book.initial)} cards; {figures}",
    )  # fmt: skip
    assert not problems, problems[:10]
