"""Merchant proofs on SQLite and PostgreSQL: what they reveal, filters, receipts,
and the follower keeping the chain a moment behind the writes."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from datetime import UTC, datetime

import pytest

from domain.card_codes import card_id
from projections.cards import CARD_TOPIC_PREFIXES
from projections.chain.follower import ChainFollower
from projections.chain.status import chain_lag
from service.lightspeed.lines import read_lines
from service.lightspeed.schema import parse_receipt
from service.lightspeed.translate import plan
from tests.integration.chain_support import (
    A_CODES,
    B_AMOUNT,
    B_CODE,
    LOCATION,
    Chained,
    chained_store,
    pos,
)
from tests.lightspeed_support import SETTINGS, payment, receipt


@pytest.fixture
def store(ledger, database_url, tmp_path) -> Chained:
    return chained_store(ledger, database_url, tmp_path)


def test_a_proof_for_merchant_a_holds_nothing_of_merchant_b(store, ledger, tmp_path):
    proof = store.proof()
    text = json.dumps(proof)
    states = [base64.b64decode(e["state"]).decode() for e in proof["events"]]
    b_card = ledger.card(store.merchant_b, B_CODE)
    for secret in (str(store.merchant_b), store.merchant_b.hex, str(b_card.id),
                   b_card.id.hex, b_card.masked_code, B_CODE, *A_CODES):  # fmt: skip
        assert secret not in text and all(secret not in s for s in states), secret
    for amount in (str(B_AMOUNT), "4321", str(b_card.balance)):
        assert all(f":{amount}" not in s for s in states), amount
    assert {e["originator_id"] for e in proof["events"]} == {
        str(card_id(store.merchant_a, code)) for code in A_CODES
    }
    # B's own proof checks too, and shows only B's card.
    cards, problems = store.check(store.proof(store.merchant_b), tmp_path)
    assert problems == [] and list(cards) == [str(b_card.id)]
    assert cards[str(b_card.id)]["balance"] == b_card.balance == B_AMOUNT - 4321


def test_a_card_filter_and_a_time_window(store, ledger, clock, tmp_path):
    one = card_id(store.merchant_a, A_CODES[0])
    proof = store.proof(card_id=one)
    assert {e["originator_id"] for e in proof["events"]} == {str(one)}
    cards, problems = store.check(proof, tmp_path)
    assert problems == []
    assert (
        cards[str(one)]["balance"] == ledger.card(store.merchant_a, A_CODES[0]).balance
    )
    # Until a moment: the balances then. Since a moment: movements, no opening.
    cut = datetime.now(UTC)
    time.sleep(0.01)
    ledger.redeem(store.merchant_a, A_CODES[0], 11, "GBP", LOCATION, None, pos())
    store.follow()
    store.checkpoint()
    before, problems = store.check(store.proof(card_id=one, until=cut), tmp_path)
    assert problems == [] and before[str(one)]["balance"] == 5000 - 1250 - 700
    after, problems = store.check(store.proof(card_id=one, since=cut), tmp_path)
    assert problems == [] and after[str(one)]["from_version"] == 5


def test_events_from_a_receipt_carry_the_payload_sha256(store, ledger, tmp_path):
    ledger.configure_lightspeed(store.merchant_a, SETTINGS)
    body = receipt(4, payments=[payment(9, "1.00", reference=A_CODES[1])])
    raw = json.dumps(body).encode()
    lines = read_lines(parse_receipt(raw), SETTINGS, "GBP")
    from domain.receipt_header import ReceiptHeader

    header = ReceiptHeader(
        store.merchant_a, lines.location_id, lines.account_id,
        ledger.merchant(store.merchant_a).site_for_location(lines.location_id),
        lines.notification_type, lines.origin_account_id, raw.decode(),
        hashlib.sha256(raw).hexdigest(), "glw_test", lines.has_gift_card_lines,
    )  # fmt: skip
    ledger.apply_receipt(header, lambda context: plan(lines, context, "GBP"))
    store.follow()
    store.checkpoint()
    proof = store.proof()
    from_receipts = [e for e in proof["events"] if e["receipt_sha256"]]
    assert [e["receipt_sha256"] for e in from_receipts] == [
        hashlib.sha256(raw).hexdigest()
    ]
    assert sum(1 for e in proof["events"] if e["receipt_sha256"] is None) == 7
    # The receipt itself (its payload names card codes) is never in a proof.
    assert all(e["topic"].startswith(CARD_TOPIC_PREFIXES) for e in proof["events"])
    assert store.check(proof, tmp_path)[1] == []


def test_the_follower_chains_new_events_within_moments(store, ledger):
    stop = threading.Event()
    follower = ChainFollower(store.engine, store.source)
    thread = threading.Thread(target=follower.run, args=(stop, 0.05), daemon=True)
    thread.start()
    try:
        for n in range(5):
            ledger.redeem(
                store.merchant_a, A_CODES[1], 1 + n, "GBP", LOCATION, None, pos()
            )
        head = ledger.recorder.max_notification_id()
        deadline = time.monotonic() + 10
        while chain_lag(store.engine, store.source).position < head:
            assert time.monotonic() < deadline, "the chain fell behind"
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(timeout=10)
    lag = chain_lag(store.engine, store.source)
    assert (lag.events_behind, lag.seconds_behind) == (0, 0.0)
    assert store.verify().ok
