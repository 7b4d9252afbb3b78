"""An RTN receipt reads what it needs in authentication's one query (both backends).

Once the webhook credential and its merchant are cached, authentication also reads
the receipt's account, receipt and cards: one read of the store per receipt. The
body is looked into only after the secret matched the cached credential, and
which error comes first never changes.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from uuid import UUID

import pytest
from flask import Flask

from service.app import create_app
from service.config import Config
from service.lightspeed import webhook as lightspeed_webhook
from tests.lightspeed_support import (
    SETTINGS,
    Webhook,
    basic,
    payment,
    receipt,
    set_up_webhook,
)

CODE = "7741229000510001"


@pytest.fixture
def hook(app: Flask) -> Webhook:
    webhook = set_up_webhook(app)
    webhook.issue(CODE, 10_000)
    return webhook


@pytest.fixture
def reads(hook: Webhook, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many aggregates each read of the store asked for, in order."""
    asked: list[int] = []
    repository = hook.ledger.cached
    original = repository.refresh

    def counting(ids):
        ids = list(ids)
        asked.append(len(set(ids)))
        return original(ids)

    monkeypatch.setattr(repository, "refresh", counting)
    return asked


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every body the webhook parsed."""
    bodies: list[bytes] = []
    original = lightspeed_webhook.parse_receipt

    def recording(raw: bytes):
        bodies.append(raw)
        return original(raw)

    monkeypatch.setattr(lightspeed_webhook, "parse_receipt", recording)
    return bodies


def _paid(account_id: int, amount: int = 20) -> dict:
    return receipt(
        account_id, payments=[payment(account_id * 10, amount, reference=CODE)]
    )


def test_a_receipt_is_one_read_of_the_store(hook: Webhook, reads: list[int]):
    hook.close(_paid(1))  # caches the credential and its merchant
    reads.clear()
    answer = hook.close(_paid(2))
    assert [o["result"] for o in answer["outcomes"]] == ["applied"]
    # credential, merchant, account, receipt and card: all in the one query
    assert reads == [5]
    assert hook.balance(CODE) == 10_000 - 4_000


def test_the_body_is_parsed_only_after_the_secret_matched(
    hook: Webhook, parsed: list[bytes]
):
    hook.close(_paid(1))
    parsed.clear()
    before = hook.position()
    refused = hook.post(_paid(2), **basic(hook.username, "wrong"))
    assert (refused.status_code, refused.json["code"]) == (401, "unauthorized")
    assert parsed == []
    assert hook.position() == before
    hook.close(_paid(3))
    assert len(parsed) == 1  # parsed once, for the read-ahead and the handler


def test_a_bad_body_after_a_good_secret_is_still_400_and_a_bad_secret_401(
    hook: Webhook,
):
    hook.close(_paid(1))
    before = hook.position()
    bad = hook.post(b'{"notificationType": "CLOSE"}')
    assert (bad.status_code, bad.json["code"]) == (400, "invalid_request")
    assert "account" in bad.json["errors"]
    worse = hook.post(b'{"notificationType": "CLOSE"}', **basic(hook.username, "no"))
    assert (worse.status_code, worse.json["code"]) == (401, "unauthorized")
    unknown = hook.post(
        receipt(7, location="999", payments=[payment(70, 5, reference=CODE)])
    )
    assert (unknown.status_code, unknown.json["code"]) == (
        422,
        "unknown_business_location",
    )
    assert hook.position() == before


def test_a_webhook_revoked_by_the_other_worker_fails_at_once(
    app: Flask, hook: Webhook, config: Config
):
    hook.close(_paid(1))  # this worker caches the credential as live
    other = create_app(replace(config, not_found_limit=100_000))
    try:
        credential_id = UUID(hex=hook.username.split("_", 1)[1])
        other.extensions["giftledger.ledger"].revoke_credential(
            hook.merchant_id, credential_id
        )
    finally:
        other.extensions["giftledger.ledger"].close()
    before = hook.position()
    refused = hook.post(_paid(2))
    assert (refused.status_code, refused.json["code"]) == (401, "unauthorized")
    assert hook.position() == before
    assert hook.balance(CODE) == 10_000 - 2_000


def test_the_access_log_line_says_what_became_of_the_receipt(
    hook: Webhook, monkeypatch: pytest.MonkeyPatch
):
    lines: list[dict] = []
    access = logging.getLogger("giftledger.access")
    monkeypatch.setattr(access, "handle", lambda record: lines.append(record.fields))
    hook.close(_paid(5))
    (line,) = lines  # one line per request, the receipt's fields in it
    assert line["path"] == "/v1/webhooks/lightspeed/rtn"
    assert (line["status"], line["rtn"], line["account"]) == (200, "CLOSE", "5")
    assert line["outcomes"] == "payment:applied"
    assert line["location"] == "40570261078018"


def test_a_guess_made_with_stale_settings_still_applies_the_receipt(
    hook: Webhook, config: Config, reads: list[int]
):
    hook.close(_paid(1))  # this worker caches the merchant and its settings
    other = create_app(replace(config, not_found_limit=100_000))
    try:
        settings = {**SETTINGS, "payment_method_codes": ["GIFTCARD", "VOUCHER"]}
        other.extensions["giftledger.ledger"].configure_lightspeed(
            hook.merchant_id, settings
        )
    finally:
        other.extensions["giftledger.ledger"].close()
    reads.clear()
    paid = receipt(2, payments=[payment(20, 15, method="VOUCHER", reference=CODE)])
    answer = hook.close(paid)
    # The guess saw no gift-card line (the cached settings knew no VOUCHER) and
    # read credential, merchant, account and receipt; the command read the card.
    assert reads == [4, 1]
    assert [o["result"] for o in answer["outcomes"]] == ["applied"]
    assert hook.balance(CODE) == 10_000 - 2_000 - 1_500
