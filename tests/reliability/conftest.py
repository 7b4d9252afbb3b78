"""The real stack for the reliability suite: PostgreSQL, gunicorn, the projector.

One fresh database per session, `giftledger init-db`, the production gunicorn
command line (scripts/serve.py) and the projector as its own process. The suite is
long, so plain `pytest` (and `make test`) leaves it out; `make reliability` (pytest
tests/reliability) runs it.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.bench.harness import Server, free_port, fresh_database, init_db, service
from tests.bench.seed import Merchant, open_ledger, seed_cards, seed_merchant
from tests.reliability import postgres
from tests.reliability.checks import VERDICTS

HERE = Path(__file__).resolve().parent
PLATFORM_TOKEN = "reliability-platform-admin-token"


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Deselect this suite unless it was asked for by path."""
    asked = any(
        Path(arg.split("::")[0]).resolve().is_relative_to(HERE) for arg in config.args
    )
    if asked:
        return
    mine = [item for item in items if Path(item.path).is_relative_to(HERE)]
    if mine:
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]


@dataclass
class Stack:
    """The running service and what the tests need to drive it."""

    database_url: str
    base_url: str
    merchant: Merchant
    app: Server
    projector: Server
    log_dir: Path
    _next_card: int = 0

    def cards(self, count: int, amount: int) -> dict[str, int]:
        """Issue fresh cards through the Ledger; code -> initial balance."""
        ledger = open_ledger(self.database_url)
        try:
            codes = seed_cards(
                ledger, self.merchant.merchant_id, count, amount, self._next_card
            )
        finally:
            ledger.close()
        self._next_card += count
        return dict.fromkeys(codes, amount)

    def new_merchant(self, name: str) -> Merchant:
        """Another merchant with its own credentials (throttles are per credential)
        and its own business location (one belongs to one merchant)."""
        ledger = open_ledger(self.database_url)
        try:
            return seed_merchant(ledger, name, str(uuid.uuid4().int % 10**14))
        finally:
            ledger.close()

    def ledger(self) -> Any:
        """A Ledger on the store, for checks from outside the service."""
        return open_ledger(self.database_url)

    def restart_projector(self) -> None:
        """Start the projector again (after a crash)."""
        self.projector = projector(self.database_url, self.log_dir).start()


def projector(database_url: str, log_dir: Path) -> Server:
    """`python -m scripts.run_projector` on the database."""
    argv = [sys.executable, "-m", "scripts.run_projector"]
    return Server("projector", argv, {"DATABASE_URL": database_url}, log_dir)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """PostgreSQL up, a fresh database, the service and its projector running."""
    postgres.start()
    log_dir = Path(tempfile.mkdtemp(prefix="giftledger-reliability-"))
    with fresh_database("giftledger_reliability") as url:
        init_db(url)
        ledger = open_ledger(url)
        merchant = seed_merchant(ledger, "Reliability bistro")
        ledger.close()
        port = free_port()
        app = service(url, port, log_dir, GIFTLEDGER_ADMIN_TOKEN=PLATFORM_TOKEN).start()
        proj = projector(url, log_dir).start()
        base = f"http://127.0.0.1:{port}"
        running = Stack(url, base, merchant, app, proj, log_dir)
        try:
            app.wait_http(base + "/readyz")
            yield running
        finally:
            running.app.stop()
            running.projector.stop()
            postgres.start()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Every scenario's one-line verdict, together at the end."""
    if VERDICTS:
        terminalreporter.section("reliability verdicts")
        for line in VERDICTS:
            terminalreporter.write_line(line)
