"""The projector is SIGKILLed under load; started again, it converges exactly."""

from __future__ import annotations

from tests.reliability.book import Book
from tests.reliability.checks import balances, projections_converge, summary, verdict
from tests.reliability.workload import Workload


def test_projector_crash(stack) -> None:
    book = Book(stack.cards(10, 20_000))
    timeline = [(4.0, stack.projector.kill), (8.0, stack.restart_projector)]
    Workload(stack.base_url, stack.merchant, book, clients=16, seconds=14).run(timeline)
    problems = book.violations + balances(stack, book)
    converged, figures = projections_converge(stack)
    problems += converged
    if not stack.projector.alive():
        problems.append("the restarted projector is not running")
    verdict(
        "projector crash", problems,
        f"projector SIGKILLed at 4 s, restarted at 8 s, 16 clients: "
        f"{summary(book)}; converged: {figures}",
    )  # fmt: skip
    assert not problems, problems[:10]
