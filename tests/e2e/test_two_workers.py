"""Two apps on one store stand for two gunicorn workers, each with its own cache.

A worker reads what a request needs (credential, merchant, card) in one query and
keeps it for that request only: what the other worker wrote before a request
starts is always seen, and a revoked credential fails on the very next request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Config
from service.store.repository import FRESH
from tests.e2e.support import (
    PLATFORM,
    MerchantSetup,
    created,
    issue_card,
    redemption_body,
)


@pytest.fixture
def second(config: Config) -> Iterator[FlaskClient]:
    """Another worker: its own app, its own ledger and cache, the same store."""
    other: Flask = create_app(replace(config, not_found_limit=100_000))
    yield other.test_client()
    other.extensions["giftledger.ledger"].close()


def test_each_request_sees_what_the_other_worker_wrote(
    client: FlaskClient, second: FlaskClient, merchant: MerchantSetup
):
    code = issue_card(client, merchant, 5_000)
    card = f"/v1/pos/cards/{code}"
    assert created(client.get(card, headers=merchant.pos), 200)["balance"] == 5_000
    spend = redemption_body(merchant, code, 4_000)
    created(second.post("/v1/pos/redemptions", json=spend, headers=merchant.pos))
    assert created(client.get(card, headers=merchant.pos), 200)["balance"] == 1_000
    # The first worker's cached card is stale; its next command must not overdraw.
    again = client.post("/v1/pos/redemptions", json=spend, headers=merchant.pos)
    assert again.status_code == 422
    assert again.json["code"] == "insufficient_funds"
    assert FRESH.get() is None  # nothing read in a request outlives it


def test_a_credential_revoked_by_the_other_worker_fails_at_once(
    client: FlaskClient, second: FlaskClient, merchant: MerchantSetup
):
    code = issue_card(client, merchant, 5_000)
    card = f"/v1/pos/cards/{code}"
    assert client.get(card, headers=merchant.pos).status_code == 200  # cached now
    url = f"{merchant.path}/credentials"
    listed = created(second.get(url, headers=PLATFORM), 200)["items"]
    pos = next(c for c in listed if c["kind"] == "pos" and not c["revoked"])
    gone = second.delete(f"{url}/{pos['credential_id']}", headers=PLATFORM)
    assert gone.status_code == 204
    refused = client.get(card, headers=merchant.pos)
    assert refused.status_code == 401
    assert refused.json["code"] == "unauthorized"


def test_a_card_hint_never_changes_which_error_comes_first(
    client: FlaskClient, merchant: MerchantSetup
):
    code = issue_card(client, merchant, 5_000)
    body = {**redemption_body(merchant, code, 100), "amount": "lots"}
    bad = client.post("/v1/pos/redemptions", json=body, headers=merchant.pos)
    assert (bad.status_code, bad.json["code"]) == (400, "invalid_amount")
    nobody = client.post("/v1/pos/redemptions", json=body, headers={})
    assert (nobody.status_code, nobody.json["code"]) == (401, "unauthorized")
