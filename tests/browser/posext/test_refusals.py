"""Each refusal has its own sentence, from the API's code: never a generic error."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.posext.conftest import HTTP
from tests.browser.posext.steps import amount, choose, confirm, scan, type_card
from tests.lightspeed_support import LOCATION


def test_an_unknown_card_is_not_found(open_till, shop):
    till = open_till()
    choose(till, "Check balance")
    type_card(till, "7741000000000000")
    error = till.page.get_by_text("No gift card has this code. Check the code")
    expect(error).to_be_visible()
    expect(till.page.get_by_label("Card code")).to_have_attribute(
        "aria-invalid", "true"
    )
    till.shot("9-not-found")


def test_a_malformed_code_says_what_a_code_looks_like(open_till):
    till = open_till()
    choose(till, "Check balance")
    type_card(till, "no!")
    expect(till.page.get_by_text("That is not a gift card code")).to_be_visible()


def _act(shop, code: str, action: str) -> None:
    url = f"{shop.path}/cards/{code}/{action}"
    answer = HTTP.post(url, json={"reason": "test"}, headers=shop.admin)
    assert answer.status_code == 200, answer.text


def test_a_blocked_card(open_till, shop):
    code = shop.card(5000)
    _act(shop, code, "block")
    till = open_till()
    choose(till, "Redeem")
    scan(till, code)
    expect(
        till.page.get_by_role("alert").filter(has_text="This gift card is blocked.")
    ).to_be_visible()
    expect(confirm(till)).to_be_hidden()
    till.shot("10-blocked")


def test_a_voided_card(open_till, shop):
    code = shop.card(5000)
    _act(shop, code, "void")
    till = open_till()
    choose(till, "Check balance")
    scan(till, code)
    expect(
        till.page.get_by_text("This gift card has been voided. It has no value left.")
    ).to_be_visible()


def test_an_expired_card(open_till, shop):
    ends = datetime.now(UTC) + timedelta(seconds=1)  # a card is never born expired
    code = shop.card(5000, expires_at=ends.isoformat())
    till = open_till()
    choose(till, "Redeem")
    time.sleep(max(0.0, (ends - datetime.now(UTC)).total_seconds()) + 0.05)
    scan(till, code)
    on = f"{ends.day} {ends:%B %Y}"
    expect(till.page.get_by_text(f"This gift card expired on {on}.")).to_be_visible()
    expect(confirm(till)).to_be_hidden()


def test_a_card_in_another_currency(open_till, shop):
    code = shop.card(5000, currency="EUR")
    till = open_till()
    choose(till, "Redeem")
    scan(till, code)
    text = "This card is in EUR; this till takes GBP. It cannot pay here."
    expect(till.page.get_by_text(text)).to_be_visible()
    till.shot("11-wrong-currency")


def test_insufficient_funds_when_the_card_was_spent_meanwhile(open_till, shop):
    code = shop.card(3000)
    till = open_till(left_to_pay=3000)
    choose(till, "Redeem")
    scan(till, code)
    expect(amount(till)).to_have_value("30.00")
    elsewhere = {"card_code": code, "amount": 2500, "currency": "GBP",
                 "business_location_id": LOCATION, "account_id": "99"}  # fmt: skip
    spent = HTTP.post(
        f"{shop.base}/v1/pos/redemptions", json=elsewhere, headers=shop.pos
    )
    assert spent.status_code == 201, spent.text
    confirm(till).click()
    expect(till.page.get_by_text("Not enough on this card")).to_be_visible()
    assert till.calls("pos_addPayment") == []  # never a payment without a hold
    till.shot("12-insufficient")
