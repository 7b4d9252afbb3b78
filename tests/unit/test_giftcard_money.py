"""GiftCard rules for money: issue, load, reversal, redemption, refund, adjustment."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.card_codes import card_id
from domain.errors import (
    CardNotActive,
    CurrencyMismatch,
    InsufficientFunds,
    InvalidAmount,
    InvalidCurrency,
    InvalidRequest,
    RedemptionNotFound,
    RefundExceedsRedemption,
)
from domain.giftcard import ADJUSTMENT_REASONS, GiftCard
from domain.money import MAX_MINOR_UNITS
from tests.unit.cards import MERCHANT, NOW, events, names, new_card, origin, state


def test_issue_records_the_first_load():
    card = GiftCard.issue(card_id(MERCHANT, "1234"), MERCHANT, "****1234", "GBP",
                          5000, None, origin("k", "issue"))  # fmt: skip
    (issued,) = events(card)
    assert type(issued).__name__ == "Issued" and issued.amount == 5000
    assert (card.balance, card.available(NOW), card.state(NOW)) == (
        5000,
        5000,
        "active",
    )
    assert card.loads == {"issue": [5000, 0]}
    assert card.applied["k"][1:] == [1, "issue"]


@pytest.mark.parametrize(
    ("amount", "currency", "expires_at", "error"),
    [
        (0, "GBP", None, InvalidAmount),
        (-5, "GBP", None, InvalidAmount),
        (10.5, "GBP", None, InvalidAmount),
        (MAX_MINOR_UNITS + 1, "GBP", None, InvalidAmount),
        (100, "gbp", None, InvalidCurrency),
        (100, "GBP", datetime(2030, 1, 1), InvalidRequest),  # naive
    ],
)
def test_issue_refuses_bad_arguments(amount, currency, expires_at, error):
    with pytest.raises(error):
        GiftCard.issue(card_id(MERCHANT, "x"), MERCHANT, "****x", currency, amount,
                       expires_at, origin())  # fmt: skip


def test_load_adds_to_the_balance_and_is_reversible_once():
    card = new_card(1000)
    card.load("L1", 500, NOW, origin())
    assert card.balance == 1500 and names(card) == ["Loaded"]
    card.reverse_load("L1", 200, NOW, origin())
    card.reverse_load("L1", 300, NOW, origin())
    assert card.balance == 1000 and card.loads["L1"] == [500, 500]
    with pytest.raises(RefundExceedsRedemption):
        card.reverse_load("L1", 1, NOW, origin())
    with pytest.raises(InvalidRequest):
        card.reverse_load("no-such-load", 1, NOW, origin())


def test_a_load_id_is_never_reused():
    card = new_card(1000)
    card.reverse_load("issue", 1000, NOW, origin())
    before = state(card)
    with pytest.raises(InvalidRequest):
        card.load("issue", 500, NOW, origin())  # would reopen the reversed sale
    assert state(card) == before


def test_a_reversal_cannot_take_money_already_spent():
    card = new_card(1000)
    card.redeem("R1", 800, NOW, origin())
    with pytest.raises(InsufficientFunds):
        card.reverse_load("issue", 300, NOW, origin())
    card.reverse_load("issue", 200, NOW, origin())
    assert card.balance == 0


def test_loads_and_credits_cannot_push_the_balance_past_the_bound():
    card = new_card(MAX_MINOR_UNITS - 10)
    with pytest.raises(InvalidAmount):
        card.load("L1", 11, NOW, origin())
    with pytest.raises(InvalidAmount):
        card.adjust("A1", 11, "complimentary", "", NOW, origin())
    card.load("L1", 10, NOW, origin())
    assert card.balance == MAX_MINOR_UNITS


def test_redemption_takes_at_most_the_available_balance():
    card = new_card(1000)
    card.place_hold("H1", 400, NOW + timedelta(minutes=5), "A1", "L", NOW, origin())
    before = state(card)
    with pytest.raises(InsufficientFunds):
        card.redeem("R1", 601, NOW, origin())
    assert state(card) == before
    card.redeem("R1", 600, NOW, origin())
    assert (card.balance, card.available(NOW)) == (400, 0)


def test_an_expired_hold_no_longer_reserves_money():
    card = new_card(1000)
    card.place_hold("H1", 1000, NOW + timedelta(minutes=5), "A1", "L", NOW, origin())
    later = NOW + timedelta(minutes=5)
    assert card.available(later) == 1000
    card.redeem("R1", 1000, later, origin())
    assert card.balance == 0


def test_refunds_never_exceed_what_the_redemption_took():
    card = new_card(1000)
    card.redeem("R1", 600, NOW, origin())
    card.refund("R1", "F1", 250, NOW, origin())
    card.refund("R1", "F2", 350, NOW, origin())
    assert card.balance == 1000 and card.redemptions["R1"] == [600, 600]
    with pytest.raises(RefundExceedsRedemption):
        card.refund("R1", "F3", 1, NOW, origin())
    with pytest.raises(RedemptionNotFound):
        card.refund("R2", "F4", 1, NOW, origin())


def test_a_captured_hold_is_refundable_like_a_redemption():
    card = new_card(1000)
    card.place_hold("H1", 700, NOW + timedelta(minutes=5), "A1", "L", NOW, origin())
    card.capture("H1", 500, NOW, origin())
    with pytest.raises(RefundExceedsRedemption):
        card.refund("H1", "F1", 501, NOW, origin())
    card.refund("H1", "F1", 500, NOW, origin())
    assert card.balance == 1000


@pytest.mark.parametrize(
    ("amount", "direction", "balance"), [(250, "credit", 1250), (-250, "debit", 750)]
)
def test_an_adjustment_records_a_positive_amount_and_a_direction(
    amount, direction, balance
):
    card = new_card(1000)
    card.adjust("A1", amount, "support_issue", "ticket 7", NOW, origin())
    (adjusted,) = events(card)
    assert (adjusted.amount, adjusted.direction) == (250, direction)
    assert (adjusted.reason, adjusted.note) == ("support_issue", "ticket 7")
    assert card.balance == balance


@pytest.mark.parametrize("reason", sorted(ADJUSTMENT_REASONS - {"other"}))
def test_every_listed_reason_is_accepted_without_a_note(reason):
    card = new_card(1000)
    card.adjust("A1", -1, reason, "", NOW, origin())
    assert card.balance == 999


def test_the_reason_list_is_the_api_list():
    assert {
        "complimentary", "support_issue", "transaction_voided", "suspicious_activity",
        "balance_accidentally_changed", "purchase_refunded", "other",
    } == ADJUSTMENT_REASONS  # fmt: skip


@pytest.mark.parametrize(
    ("reason", "note", "field"),
    [("other", "", "note"), ("other", "   ", "note"), ("goodwill", "x", "reason"),
     ("", "", "reason"), ("support_issue", None, "note")],
)  # fmt: skip
def test_an_unknown_reason_or_other_without_a_note_is_refused(reason, note, field):
    card = new_card(1000)
    with pytest.raises(InvalidRequest) as refused:
        card.adjust("A1", 100, reason, note, NOW, origin())
    assert field in refused.value.errors
    card.adjust("A2", 100, "other", "found in the till", NOW, origin())


def test_a_debit_adjustment_cannot_overdraw_and_zero_is_no_adjustment():
    card = new_card(1000)
    with pytest.raises(InsufficientFunds):
        card.adjust("A1", -1001, "support_issue", "", NOW, origin())
    with pytest.raises(InvalidAmount):
        card.adjust("A1", 0, "support_issue", "", NOW, origin())


def test_currency_must_match_the_card():
    card = new_card(1000, "GBP")
    card.check_currency("GBP")
    with pytest.raises(CurrencyMismatch):
        card.check_currency("EUR")


def test_an_expired_card_spends_nothing_but_can_be_refunded_and_adjusted():
    card = new_card(1000, expires_at=NOW + timedelta(days=1))
    card.redeem("R1", 400, NOW, origin())
    after = NOW + timedelta(days=1)
    assert card.state(after) == "expired" and card.state(NOW) == "active"
    with pytest.raises(CardNotActive):
        card.redeem("R2", 1, after, origin())
    with pytest.raises(CardNotActive):
        card.load("L1", 1, after, origin())
    with pytest.raises(CardNotActive):
        card.place_hold("H1", 1, after + timedelta(minutes=1), None, None, after,
                        origin())  # fmt: skip
    card.refund("R1", "F1", 400, after, origin())
    card.adjust("A1", -100, "purchase_refunded", "", after, origin())
    card.expire(after, origin())
    assert card.status == "expired" and card.balance == 900
    with pytest.raises(CardNotActive):
        card.expire(after, origin())


def test_a_card_cannot_be_expired_before_its_date():
    card = new_card(1000, expires_at=NOW + timedelta(days=1))
    with pytest.raises(CardNotActive):
        card.expire(NOW, origin())
    with pytest.raises(CardNotActive):
        new_card(1000).expire(NOW + timedelta(days=9999), origin())
