"""ReceiptCommands on SQLite and PostgreSQL: one save per receipt, retried whole."""

from __future__ import annotations

import hashlib
import json
from uuid import UUID

import pytest

from domain.accounts import account_key
from domain.errors import IdempotencyKeyReused
from domain.ledger import Ledger
from domain.origin import Origin
from domain.receipt_commands import LOG_SNAPSHOT_INTERVAL
from domain.receipt_header import ReceiptHeader
from domain.receipt_plan import ReceiptContext
from domain.receipts import exception_log_key
from service.lightspeed.lines import read_lines
from service.lightspeed.schema import parse_receipt
from service.lightspeed.translate import plan
from tests.lightspeed_support import LOCATION, SETTINGS, payment, receipt, sale

A, B = "GC00000000000001", "GC00000000000002"


@pytest.fixture
def merchant(ledger: Ledger) -> UUID:
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main", LOCATION)
    ledger.configure_lightspeed(merchant.id, SETTINGS)
    for code in (A, B):
        ledger.issue_card(merchant.id, code, 5000, "GBP", None, Origin(source="admin"))
    return merchant.id


def apply(ledger: Ledger, merchant_id: UUID, body: dict, planner=None):
    raw = json.dumps(body).encode()
    lines = read_lines(parse_receipt(raw), SETTINGS, "GBP")
    header = ReceiptHeader(
        merchant_id, lines.location_id, lines.account_id,
        ledger.merchant(merchant_id).site_for_location(lines.location_id),
        lines.notification_type, lines.origin_account_id, raw.decode(),
        hashlib.sha256(raw).hexdigest(), "glw_test", lines.has_gift_card_lines,
    )  # fmt: skip
    return ledger.apply_receipt(
        header, planner or (lambda context: plan(lines, context, "GBP"))
    )


def hold(ledger: Ledger, merchant_id: UUID, code: str, amount: int, account: int):
    origin = Origin(source="pos", actor="till")
    return ledger.place_hold(
        merchant_id, code, amount, "GBP", LOCATION, str(account), origin
    ).ref


def balance(ledger: Ledger, merchant_id: UUID, code: str) -> int:
    return ledger.get_card(merchant_id, code)[0].balance


def test_a_receipt_is_retried_whole_when_a_card_changes_under_it(ledger, merchant):
    hold(ledger, merchant, B, 1000, 1)
    calls = []

    def planner(context: ReceiptContext):
        calls.append(context)
        if len(calls) == 1:
            # Another writer takes money from B after the receipt loaded it.
            ledger.redeem(merchant, B, 700, "GBP", LOCATION, None, Origin(source="pos"))
        lines = read_lines(parse_receipt(json.dumps(body).encode()), SETTINGS, "GBP")
        return plan(lines, context, "GBP")

    body = receipt(
        1,
        lines=[sale(1, "10.00")],
        references=["GCNEW00000000003"],
        payments=[payment(2, "10.00"), payment(3, "5.00", reference=A)],
    )
    result = apply(ledger, merchant, body, planner)
    assert len(calls) == 2  # the first save lost the race and was not kept at all
    assert [o["result"] for o in result.outcomes] == ["applied"] * 3
    assert balance(ledger, merchant, A) == 4500
    assert balance(ledger, merchant, B) == 5000 - 700 - 1000
    assert balance(ledger, merchant, "GCNEW00000000003") == 1000
    issued = ledger.card(merchant, "GCNEW00000000003")
    assert issued.version == 1  # issued once, by the kept attempt


def test_a_receipt_with_nothing_to_do_reads_little_and_writes_nothing(ledger, merchant):
    def planner(context):
        raise AssertionError("no translation needed")

    before = ledger.recorder.max_notification_id()
    result = apply(ledger, merchant, receipt(2, lines=[sale(1, "9.99", sku="19")]),
                   planner)  # fmt: skip
    assert (result.receipt_id, result.outcomes) == (None, [])
    assert ledger.recorder.max_notification_id() == before


def test_the_accounts_holds_are_settled_by_its_close(ledger, merchant):
    hold(ledger, merchant, A, 300, 3)
    hold(ledger, merchant, B, 200, 3)
    apply(ledger, merchant, receipt(3, payments=[payment(1, "3.00")]))
    account = ledger.get_aggregate(account_key(merchant, LOCATION, "3"))
    assert account.unsettled() == {}
    card_a = ledger.card(merchant, A)
    card_b = ledger.card(merchant, B)
    assert [h["status"] for h in card_a.holds.values()] == ["captured"]
    assert [h["released_reason"] for h in card_b.holds.values()] == ["cancelled"]
    # A later receipt of the account is a duplicate: nothing to read twice.
    again = apply(ledger, merchant, receipt(3))
    assert again.duplicate and [o["kind"] for o in again.outcomes] == [
        "payment", "release",
    ]  # fmt: skip


def test_the_events_carry_rtn_idempotency_keys(ledger, merchant):
    result = apply(
        ledger, merchant, receipt(4, payments=[payment(9, "1.00", reference=A)])
    )
    card = ledger.card(merchant, A)
    [event] = list(ledger.events.get(card.id, gt=1))
    assert event.origin["idempotency_key"] == f"rtn:{LOCATION}:4:9"
    assert event.origin["receipt_id"] == result.receipt_id
    assert event.origin["source"] == "lightspeed_rtn"
    # The key is spent on the card: the same key for another amount is refused.
    reuse = Origin(source="pos", idempotency_key=f"rtn:{LOCATION}:4:9")
    with pytest.raises(IdempotencyKeyReused):
        ledger.redeem(merchant, A, 1, "GBP", LOCATION, None, reuse)


@pytest.mark.store
def test_the_exception_log_is_snapshotted_as_it_grows(ledger, merchant):
    for n in range(LOG_SNAPSHOT_INTERVAL):
        apply(ledger, merchant, receipt(100 + n, payments=[payment(1, "1.00")]))
    log_id = exception_log_key(merchant)
    ledger.wait_for_snapshots()  # written in the background
    assert list(ledger.snapshots.get(log_id))
    items = ledger.receipt_exceptions(merchant, "open")
    assert len(items) == LOG_SNAPSHOT_INTERVAL
    assert items[0]["account_id"] == str(100 + LOG_SNAPSHOT_INTERVAL - 1)  # newest
