"""The pure translation: receipt lines + the ledger's context in, commands out."""

from __future__ import annotations

from uuid import uuid4

from domain.card_codes import card_id
from domain.receipt_plan import (
    Capture,
    OpenHold,
    PriorLine,
    ReceiptContext,
    Redeem,
    Refund,
    Release,
    Reverse,
    Sell,
    Taken,
    TakenPayment,
    Unapplied,
)
from service.lightspeed.lines import GiftLine, ReceiptLines
from service.lightspeed.translate import named_cards, plan

MERCHANT = uuid4()
A, B = "CARDAAAA0001", "CARDBBBB0002"


def lines(*gift: GiftLine, refs=(), cancelled=False, origin=None) -> ReceiptLines:
    return ReceiptLines("CLOSE", "L1", "ACC", origin, cancelled, gift, tuple(refs))


def hold(
    code: str, amount: int, expired=False, hold_id=None, currency="GBP"
) -> OpenHold:
    return OpenHold(hold_id or f"h-{code}-{amount}", card_id(MERCHANT, code),
                    "****" + code[-4:], amount, expired, currency)  # fmt: skip


def context(*holds: OpenHold, prior=()) -> ReceiptContext:
    return ReceiptContext(MERCHANT, tuple(holds), tuple(prior))


def pay(line_id: str, amount: int, code=None) -> GiftLine:
    return GiftLine(line_id, "payment", amount, "GBP", code)


def kinds(commands) -> list[tuple]:
    return [(type(c).__name__, c.line_id, c.amount) for c in commands]


def test_sales_take_the_references_in_order():
    got = plan(
        lines(GiftLine("1", "sale", 500, "GBP"), GiftLine("2", "sale", 700, "GBP"),
              GiftLine("3", "sale", 900, "GBP"), refs=[A, B]),
        context(), "GBP",
    )  # fmt: skip
    assert [type(c) for c in got] == [Sell, Sell, Unapplied]
    assert got[0].card_id == card_id(MERCHANT, A) and got[0].masked_code == "****0001"
    assert got[1].card_id == card_id(MERCHANT, B)
    assert got[2].code == "missing_card_reference"


def test_a_sale_in_another_currency_than_the_merchants_is_refused():
    [got] = plan(lines(GiftLine("1", "sale", 500, "EUR"), refs=[A]), context(), "GBP")
    assert isinstance(got, Unapplied) and got.code == "currency_mismatch"


def test_payments_capture_holds_by_amount_and_release_the_rest():
    h1, h2, h3 = hold(A, 400), hold(B, 300), hold(A, 250)
    got = plan(lines(pay("1", 300), pay("2", 400)), context(h1, h2, h3), "GBP")
    assert kinds(got) == [
        ("Capture", "1", 300), ("Capture", "2", 400), ("Release", None, 250),
    ]  # fmt: skip
    assert [c.hold_id for c in got] == [h2.hold_id, h1.hold_id, h3.hold_id]


def test_a_named_card_prefers_its_own_hold_and_may_take_part_of_it():
    h_a, h_b = hold(A, 1000), hold(B, 500)
    got = plan(lines(pay("1", 500, A)), context(h_a, h_b), "GBP")
    assert kinds(got) == [("Capture", "1", 500), ("Release", None, 500)]
    assert got[0].hold_id == h_a.hold_id and got[1].hold_id == h_b.hold_id


def test_without_a_hold_the_named_card_is_redeemed_after_the_releases():
    h = hold(B, 800)
    got = plan(lines(pay("1", 500, A)), context(h), "GBP")
    assert kinds(got) == [("Release", None, 800), ("Redeem", "1", 500)]
    assert got[1].card_id == card_id(MERCHANT, A)


def test_a_payment_without_reference_uses_the_accounts_left_over_reference():
    got = plan(
        lines(GiftLine("1", "sale", 500, "GBP"), pay("2", 300), refs=[A, B]),
        context(), "GBP",
    )  # fmt: skip
    assert kinds(got) == [("Sell", "1", 500), ("Redeem", "2", 300)]
    assert got[1].card_id == card_id(MERCHANT, B)


def test_an_expired_hold_is_redeemed_from_its_card_and_not_released():
    h = hold(A, 600, expired=True)
    got = plan(lines(pay("1", 600)), context(h), "GBP")
    assert kinds(got) == [("Redeem", "1", 600)]
    assert got[0].card_id == h.card_id
    # An expired hold nobody claims is left to the system's expiry.
    assert plan(lines(), context(h), "GBP") == []


def test_unmatched_and_malformed_payments_are_exceptions():
    got = plan(lines(pay("1", 100), pay("2", 100, "bad code!")), context(), "GBP")
    assert [(c.line_id, c.code) for c in got] == [
        ("1", "unmatched_payment"), ("2", "card_not_found"),
    ]  # fmt: skip


def test_a_cancelled_receipt_only_releases_live_holds():
    live, gone = hold(A, 100), hold(B, 200, expired=True)
    got = plan(
        lines(pay("1", 100, A), GiftLine("2", "sale", 5, "GBP"), refs=[B],
              cancelled=True),
        context(live, gone), "GBP",
    )  # fmt: skip
    assert got == [Release(live.hold_id, live.card_id, "****0001", 100, "cancelled")]


def prior(kind: str, code: str, ref: str, remaining: int) -> PriorLine:
    return PriorLine("9", kind, card_id(MERCHANT, code), "****" + code[-4:], ref,
                     remaining)  # fmt: skip


def test_refunds_match_the_original_payments_by_card_and_amount():
    p1, p2 = prior("payment", A, "r1", 1000), prior("payment", B, "r2", 500)
    got = plan(
        lines(GiftLine("1", "refund", 500, "GBP", None),
              GiftLine("2", "refund", 600, "GBP", A),
              GiftLine("3", "refund", 500, "GBP", A),
              GiftLine("4", "refund", 100, "GBP", "NOTACARD1")),
        context(prior=[p1, p2]), "GBP",
    )  # fmt: skip
    assert [type(c) for c in got] == [Refund, Refund, Unapplied, Unapplied]
    assert (got[0].redemption_id, got[1].redemption_id) == ("r2", "r1")
    assert got[2].code == "refund_exceeds_redemption"  # 400 of A's 1000 left
    assert got[3].code == "redemption_not_found"


def test_a_refund_without_an_original_is_redemption_not_found():
    [got] = plan(lines(GiftLine("1", "refund", 500, "GBP", A)), context(), "GBP")
    assert isinstance(got, Unapplied) and got.code == "redemption_not_found"
    assert got.masked_code == "****0001"


def test_reversals_match_the_original_sales_same_load_ids_on_two_cards():
    s1, s2 = prior("sale", A, "issue", 500), prior("sale", B, "issue", 500)
    got = plan(
        lines(GiftLine("1", "reversal", 500, "GBP"),
              GiftLine("2", "reversal", 500, "GBP")),
        context(prior=[s1, s2]), "GBP",
    )  # fmt: skip
    assert [type(c) for c in got] == [Reverse, Reverse]
    assert {c.card_id for c in got} == {s1.card_id, s2.card_id}
    assert all(c.load_id == "issue" for c in got)


def test_a_reversal_naming_its_card_by_reference():
    s1, s2 = prior("sale", A, "issue", 500), prior("sale", B, "l2", 500)
    [got] = plan(
        lines(GiftLine("1", "reversal", 500, "GBP"), refs=[B]),
        context(prior=[s1, s2]), "GBP",
    )  # fmt: skip
    assert isinstance(got, Reverse) and (got.card_id, got.load_id) == (s2.card_id, "l2")


def test_the_order_of_commands_is_sales_captures_releases_redeems_undos():
    got = plan(
        lines(GiftLine("r", "refund", 100, "GBP", None), pay("p", 100, B),
              pay("c", 300), GiftLine("s", "sale", 100, "GBP"), refs=[A]),
        context(hold(A, 300), hold(B, 50, hold_id="free"),
                prior=[prior("payment", A, "x", 100)]),
        "GBP",
    )  # fmt: skip
    assert [type(c) for c in got] == [Sell, Capture, Release, Redeem, Refund]


def test_money_the_pos_already_took_is_matched_before_any_hold():
    paid = TakenPayment("r-1", card_id(MERCHANT, A), "****0001", 500, False, "GBP")
    captured = TakenPayment("h-9", card_id(MERCHANT, B), "****0002", 300, True, "GBP")
    live = hold(A, 500)
    got = plan(
        lines(pay("1", 500), pay("2", 300, B), pay("3", 500)),
        ReceiptContext(MERCHANT, (live,), (), (paid, captured)),
        "GBP",
    )  # fmt: skip
    assert [type(c) for c in got] == [Taken, Taken, Capture]
    assert [(c.ref, c.hold_id) for c in got[:2]] == [("r-1", None), ("h-9", "h-9")]
    assert got[2].hold_id == live.hold_id


def test_taken_money_of_another_card_or_amount_is_not_matched():
    paid = TakenPayment("r-1", card_id(MERCHANT, A), "****0001", 500, False, "GBP")
    got = plan(
        lines(pay("1", 500, B), pay("2", 400, A)),
        ReceiptContext(MERCHANT, (), (), (paid,)),
        "GBP",
    )  # fmt: skip
    assert [type(c) for c in got] == [Redeem, Redeem]


def test_the_cards_to_read_ahead_are_every_card_a_line_could_take():
    receipt = lines(
        pay("p1", 500, A), pay("p2", 100, "no spaces allowed"), pay("p3", 50),
        refs=[B, A, "x"],
    )  # fmt: skip
    every = {
        c.card_id for c in plan(receipt, context(), "GBP") if hasattr(c, "card_id")
    }
    assert set(named_cards(receipt, MERCHANT)) == {
        card_id(MERCHANT, A),
        card_id(MERCHANT, B),
    }
    assert every <= set(named_cards(receipt, MERCHANT))
