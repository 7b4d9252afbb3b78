"""Card-code guessing is throttled per credential: 429 with Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from service.app import create_app
from service.http.throttle import SlidingWindow
from tests.e2e.support import (
    PLATFORM,
    bearer,
    created,
    issue_card,
    redemption_body,
    set_up_merchant,
)


@pytest.fixture
def strict_client(config) -> Iterator:
    app = create_app(replace(config, not_found_limit=3, not_found_window_seconds=60))
    yield app.test_client()
    app.extensions["giftledger.ledger"].close()
    app.extensions["giftledger.read_engine"].dispose()


def test_repeated_card_not_found_gets_429_until_the_window_passes(strict_client, clock):
    client = strict_client
    merchant = set_up_merchant(client, "Bistro", "GBP", "100")
    code = issue_card(client, merchant, 1000)
    guesses = ["GUESS-001", "GUESS-002", "GUESS-003"]
    for guess in guesses[:2]:
        assert (
            client.get(f"/v1/pos/cards/{guess}", headers=merchant.pos).status_code
            == 404
        )
        clock.advance(10)
    # A redemption for an unknown card counts too.
    miss = client.post("/v1/pos/redemptions", headers=merchant.pos,
                       json=redemption_body(merchant, guesses[2], 5))  # fmt: skip
    assert miss.json["code"] == "card_not_found"

    for url in (f"/v1/pos/cards/{code}", "/v1/pos/cards/GUESS-004"):
        answer = client.get(url, headers=merchant.pos)
        assert (answer.status_code, answer.json["code"]) == (429, "too_many_requests")
        assert answer.headers["Retry-After"] == "40"
    redeem = client.post("/v1/pos/redemptions", headers=merchant.pos,
                         json=redemption_body(merchant, code, 5))  # fmt: skip
    assert redeem.status_code == 429

    # Other credentials (another POS token, the admin) are not affected.
    other_pos = created(
        client.post(f"{merchant.path}/credentials", json={"kind": "pos"},
                    headers=PLATFORM)
    )["secret"]  # fmt: skip
    assert (
        client.get(f"/v1/pos/cards/{code}", headers=bearer(other_pos)).status_code
        == 200
    )
    admin = client.get(f"{merchant.path}/cards/{code}", headers=merchant.admin)
    assert admin.status_code == 200

    clock.advance(40)  # the first miss leaves the window
    assert client.get(f"/v1/pos/cards/{code}", headers=merchant.pos).status_code == 200
    assert (
        client.get("/v1/pos/cards/GUESS-005", headers=merchant.pos).status_code == 404
    )
    assert client.get(f"/v1/pos/cards/{code}", headers=merchant.pos).status_code == 429


def test_admin_card_look_ups_are_throttled_too(strict_client):
    client = strict_client
    merchant = set_up_merchant(client, "Bistro", "GBP", "100")
    for n in range(3):
        url = f"{merchant.path}/cards/NOPE-{n:04d}/block"
        answer = client.post(url, json={"reason": "x"}, headers=merchant.admin)
        assert answer.status_code == 404
    answer = client.get(f"{merchant.path}/cards/NOPE-0000", headers=merchant.admin)
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) >= 1


def test_the_sliding_window_counts_per_key():
    now = [0.0]
    window = SlidingWindow(limit=2, window=10, clock=lambda: now[0])
    assert window.retry_after("a") is None
    window.hit("a")
    now[0] = 4
    window.hit("a")
    assert window.retry_after("a") == pytest.approx(6)
    assert window.retry_after("b") is None
    now[0] = 10
    assert window.retry_after("a") is None  # the first hit aged out
    window.hit("a")
    assert window.retry_after("a") == pytest.approx(4)
    for _ in range(100):
        window.hit("flood")
    assert len(window._hits["flood"]) == 2
