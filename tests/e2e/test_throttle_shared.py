"""The card-guessing throttle counts across workers: two apps on one database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask

from service.app import create_app
from service.config import Config
from tests.e2e.support import set_up_merchant


@pytest.fixture
def two_workers(config: Config) -> Iterator[tuple[Flask, Flask]]:
    strict = replace(config, not_found_limit=3, not_found_window_seconds=60)
    apps = (create_app(strict), create_app(strict))
    yield apps
    for app in apps:
        app.extensions["giftledger.ledger"].close()
        app.extensions["giftledger.read_engine"].dispose()


def test_misses_in_one_worker_throttle_the_credential_in_another(two_workers, clock):
    first, second = (app.test_client() for app in two_workers)
    merchant = set_up_merchant(first, "Bistro", "GBP", "100")
    for n in range(3):
        miss = first.get(f"/v1/pos/cards/GUESS-{n:03d}", headers=merchant.pos)
        assert miss.status_code == 404
        clock.advance(1)
    # The other worker never saw a miss of its own, yet refuses the credential.
    answer = second.get("/v1/pos/cards/GUESS-100", headers=merchant.pos)
    assert (answer.status_code, answer.json["code"]) == (429, "too_many_requests")
    assert answer.headers["Retry-After"] == "57"
    clock.advance(57)
    again = second.get("/v1/pos/cards/GUESS-101", headers=merchant.pos)
    assert again.status_code == 404
