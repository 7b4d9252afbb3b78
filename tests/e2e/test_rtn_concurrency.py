"""The same CLOSE from two workers at once is applied once (both backends).

Two apps on one store stand for two gunicorn workers: separate ledgers, separate
aggregate caches, one event store.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest

from service.app import create_app
from service.config import Config
from tests.lightspeed_support import Webhook, payment, receipt, sale, set_up_webhook

CARD = "GC00000000000001"
ROUNDS = 4


@pytest.fixture
def workers(config: Config) -> Iterator[tuple[Webhook, Webhook]]:
    apps = [create_app(replace(config, not_found_limit=100_000)) for _ in range(2)]
    first = set_up_webhook(apps[0])
    second = Webhook(
        apps[1], apps[1].test_client(), first.merchant_id, first.username, first.secret
    )
    yield first, second
    for app in apps:
        app.extensions["giftledger.ledger"].close()


def race(workers: tuple[Webhook, Webhook], body: dict) -> list[dict]:
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def post(n: int) -> None:
        barrier.wait()
        answers[n] = workers[n].post(body)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(a is not None and a.status_code == 200 for a in answers), answers
    return [a.json for a in answers]


def test_a_close_delivered_concurrently_is_applied_once(workers):
    one, _ = workers
    one.issue(CARD, 10_000)
    for n in range(ROUNDS):
        body = receipt(900 + n, lines=[sale(1, "3.00")], references=[f"NEWCARD{n:04d}"],
                       payments=[payment(2, "5.00", reference=CARD)])  # fmt: skip
        answers = race(workers, body)
        results = sorted(o["result"] for a in answers for o in a["outcomes"])
        assert results == ["applied", "applied", "duplicate", "duplicate"]
        assert answers[0]["receipt_id"] == answers[1]["receipt_id"]
        assert one.balance(f"NEWCARD{n:04d}") == 300
    assert one.balance(CARD) == 10_000 - ROUNDS * 500


def test_receipts_of_different_accounts_on_one_card_both_apply(workers):
    one, two = workers
    one.issue(CARD, 10_000)
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def post(n: int) -> None:
        barrier.wait()
        body = receipt(950 + n, payments=[payment(1, "7.00", reference=CARD)])
        answers[n] = workers[n].post(body).json

    threads = [threading.Thread(target=post, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a["outcomes"][0]["result"] for a in answers] == ["applied", "applied"]
    assert one.balance(CARD) == two.balance(CARD) == 10_000 - 1400


def test_a_close_delivered_twice_in_a_row_is_applied_once(workers):
    one, two = workers
    one.issue(CARD, 1000)
    body = receipt(960, payments=[payment(1, "4.00", reference=CARD)])
    first = one.close(body)
    second = two.close(body)
    assert first["outcomes"][0]["result"] == "applied"
    assert second["outcomes"][0]["result"] == "duplicate"
    assert one.balance(CARD) == 600
