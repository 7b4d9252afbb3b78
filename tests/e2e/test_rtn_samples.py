"""The shared Lightspeed samples, posted exactly as stored, on both backends."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask

from tests.e2e.support import PLATFORM
from tests.lightspeed_support import SOLD_CODE, Webhook, sample_bytes, set_up_webhook

DOCS = [
    "rtn-docs-example-open.json",
    "rtn-docs-example-update.json",
    "rtn-docs-example-close.json",
]


@pytest.fixture
def hook(app: Flask) -> Webhook:
    return set_up_webhook(app)


@pytest.mark.parametrize("name", DOCS)
def test_the_documentation_examples_are_accepted_and_write_nothing(hook, name):
    before = hook.position()
    answer = hook.close(sample_bytes(name))
    assert answer["outcomes"] == []
    assert answer["receipt_id"] is None
    assert answer["notification_type"] in ("OPEN", "UPDATE", "CLOSE")
    assert hook.position() == before


def test_the_sale_issues_50_pounds_and_the_payment_takes_20(hook):
    sold = hook.close(sample_bytes("rtn-giftcard-sale-close.json"))
    assert sold["notification_type"] == "CLOSE"
    assert [(o["kind"], o["result"], o["amount"]) for o in sold["outcomes"]] == [
        ("sale", "applied", 5000)
    ]
    assert sold["outcomes"][0]["masked_code"] == "****0001"
    assert hook.card(SOLD_CODE) == (5000, 5000)

    paid = hook.close(sample_bytes("rtn-giftcard-payment-close.json"))
    assert [(o["kind"], o["result"], o["amount"]) for o in paid["outcomes"]] == [
        ("payment", "applied", 2000)
    ]
    assert paid["outcomes"][0]["line_id"] == "500000000022"
    assert hook.balance(SOLD_CODE) == 3000


def test_a_resent_sample_is_a_duplicate_and_changes_nothing(hook):
    first = hook.close(sample_bytes("rtn-giftcard-sale-close.json"))
    before = hook.position()
    again = hook.close(sample_bytes("rtn-giftcard-sale-close.json"))
    assert again["receipt_id"] == first["receipt_id"]
    assert [(o["result"], o["first_result"]) for o in again["outcomes"]] == [
        ("duplicate", "applied")
    ]
    assert hook.position() == before
    assert hook.balance(SOLD_CODE) == 5000


def test_the_stored_receipt_is_the_payload_as_received_with_its_sha256(hook):
    raw = sample_bytes("rtn-giftcard-sale-close.json")
    answer = hook.close(raw)
    ledger = hook.ledger
    _, user, secret = ledger.issue_credential(hook.merchant_id, "admin")
    path = f"/v1/merchants/{hook.merchant_id}/receipts/{answer['receipt_id']}"
    stored = hook.client.get(path, headers={"Authorization": f"Bearer {user}.{secret}"})
    assert stored.status_code == 200, stored.json
    assert stored.json["payload"].encode() == raw
    assert stored.json["sha256"] == hashlib.sha256(raw).hexdigest()
    assert stored.json["outcomes"][0]["kind"] == "sale"
    # Every event the receipt caused names it.
    card = ledger.card(hook.merchant_id, SOLD_CODE)
    events = list(ledger.events.get(card.id))
    assert [e.origin["receipt_id"] for e in events] == [answer["receipt_id"]]
    assert events[0].origin["source"] == "lightspeed_rtn"
    assert events[0].origin["site_id"]
    assert events[0].origin["idempotency_key"] == (
        "rtn:40570261078018:500000000001:500000000011"
    )
    # The platform admin reads it too; another merchant's admin does not.
    assert hook.client.get(path, headers=PLATFORM).status_code == 200
