"""Concurrent writers on one card (PostgreSQL): optimistic concurrency, bounded
retries, and never an overdraft."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from domain.accounts import account_key
from domain.errors import InsufficientFunds
from domain.ledger import Ledger
from domain.ledger_core import MAX_ATTEMPTS
from domain.origin import Origin
from service.config import Config, ledger_env
from service.store.ledger import StoredLedger
from tests.conftest import reset_postgres
from tests.property.test_card_invariants import audit

CODE, LOCATION = "7741229000510042", "4057"


class CountingLedger(StoredLedger):
    """The ledger as the service builds it, counting each command's attempts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attempts: list[int] = []
        self._lock = threading.Lock()

    def retrying(
        self, command: Callable[[], Any], key: Any = None, touches: Any = ()
    ) -> Any:
        tries = 0

        def counted() -> Any:
            nonlocal tries
            tries += 1
            return command()

        try:
            return super().retrying(counted, key, touches)
        finally:
            with self._lock:
                self.attempts.append(tries)


@pytest.fixture
def pg_env(postgres_server_url: str) -> dict[str, str]:
    """Settings for a fresh PostgreSQL store, with a pool as a worker has."""
    reset_postgres(postgres_server_url)
    config = Config(database_url=postgres_server_url, create_tables=True,
                    pool_size=4, max_overflow=4)  # fmt: skip
    return ledger_env(config)


@pytest.fixture
def ledgers(pg_env: dict[str, str]) -> Iterator[list[CountingLedger]]:
    """Two Ledger instances on one database: two processes' worth of caches."""
    apps = [CountingLedger(env=pg_env), CountingLedger(env=pg_env)]
    yield apps
    for app in apps:
        app.close()


def hammer(workers: list[Callable[[], None]]) -> list[BaseException]:
    """Start every worker at once; return what they raised."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(work: Callable[[], None]) -> None:
        barrier.wait()
        try:
            work()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return errors


def redeem_race(apps: list[CountingLedger], threads: int, initial: int) -> None:
    """`threads` threads over `apps` redeem one card until it runs dry."""
    merchant = apps[0].register_merchant("Bistro", "GBP")
    apps[0].add_site(merchant.id, "Main", LOCATION)
    apps[0].issue_card(merchant.id, CODE, initial, "GBP", None, Origin(source="pos"))
    acknowledged: list[int] = []
    refused: list[int] = []
    lock = threading.Lock()

    def worker(app: Ledger, seed: int) -> Callable[[], None]:
        rng = random.Random(seed)

        def work() -> None:
            for n in range(8):
                amount = rng.randint(50, 400)
                how = Origin(source="pos", idempotency_key=f"t{seed}-{n}")
                try:
                    app.redeem(merchant.id, CODE, amount, "GBP", LOCATION, None, how)
                except InsufficientFunds:
                    with lock:
                        refused.append(amount)
                    continue
                with lock:
                    acknowledged.append(amount)

        return work

    errors = hammer([worker(apps[i % len(apps)], i) for i in range(threads)])
    assert errors == []  # nothing but InsufficientFunds, which the workers expect
    card = apps[-1].get_card(merchant.id, CODE)[0]
    assert card.balance == initial - sum(acknowledged) >= 0
    assert refused, "the card should have run dry"
    assert all(amount > card.balance for amount in refused[-3:]) or card.balance < 400
    events = list(apps[0].events.get(card.id))
    assert sum(type(e).__name__ == "Redeemed" for e in events) == len(acknowledged)
    assert audit(events)["balance"] == card.balance
    attempts = [n for app in apps for n in app.attempts]
    assert max(attempts) < MAX_ATTEMPTS
    if len(apps) == 1:  # threads of one process take turns: no race to lose
        assert max(attempts) == 1
    print(
        f"\nattempts per command: max {max(attempts)}, "
        f"mean {sum(attempts) / len(attempts):.2f} over {len(attempts)}"
    )


def test_twelve_threads_redeeming_one_card_never_overdraw(ledgers):
    redeem_race(ledgers[:1], threads=12, initial=20_000)


def test_two_ledgers_with_their_own_caches_never_overdraw(ledgers):
    redeem_race(ledgers, threads=8, initial=10_000)


def test_concurrent_holds_on_one_account_are_all_indexed(ledgers):
    app = ledgers[0]
    merchant = app.register_merchant("Bistro", "GBP")
    app.add_site(merchant.id, "Main", LOCATION)
    codes = [f"{CODE}{n:02d}" for n in range(10)]
    for code in codes:
        app.issue_card(merchant.id, code, 1000, "GBP", None, Origin(source="pos"))
    holds: dict[str, str] = {}
    lock = threading.Lock()

    def hold_on(app: Ledger, code: str) -> Callable[[], None]:
        def work() -> None:
            out = app.place_hold(merchant.id, code, 250, "GBP", LOCATION, "TABLE-7",
                                 Origin(source="pos"))  # fmt: skip
            with lock:
                holds[out.ref] = code

        return work

    # One account, ten cards, two ledgers: every save touches the one PosAccount.
    errors = hammer([hold_on(ledgers[n % 2], code) for n, code in enumerate(codes)])
    assert errors == []
    account = app.repository.get(account_key(merchant.id, LOCATION, "TABLE-7"))
    assert set(account.holds) == set(holds)
    for hold_id, code in holds.items():
        card, now = app.get_card(merchant.id, code)
        assert card.holds[hold_id]["status"] == "open" and card.available(now) == 750


def test_concurrent_holds_on_one_card_never_reserve_more_than_it_has(ledgers):
    app = ledgers[0]
    merchant = app.register_merchant("Bistro", "GBP")
    app.add_site(merchant.id, "Main", LOCATION)
    app.issue_card(merchant.id, CODE, 1000, "GBP", None, Origin(source="pos"))
    placed: list[int] = []
    lock = threading.Lock()

    def work_for(app: Ledger, n: int) -> Callable[[], None]:
        def work() -> None:
            try:
                out = app.place_hold(merchant.id, CODE, 300, "GBP", LOCATION,
                                     f"T{n % 3}", Origin(source="pos"))  # fmt: skip
            except InsufficientFunds:
                return
            with lock:
                placed.append(out.amount or 0)

        return work

    assert hammer([work_for(ledgers[n % 2], n) for n in range(9)]) == []
    card, now = app.get_card(merchant.id, CODE)
    assert placed == [300, 300, 300]
    assert (card.held(now), card.available(now)) == (900, 100)
