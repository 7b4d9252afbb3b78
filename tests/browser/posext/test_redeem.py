"""Balance and redemption at the till, through to checkout and the RTN CLOSE."""

from __future__ import annotations

import re

from playwright.sync_api import Route, expect

from tests.browser.posext.steps import (
    amount,
    card_region,
    choose,
    confirm,
    scan,
    type_card,
)
from tests.lightspeed_support import payment, receipt


def test_a_balance_check_shows_balance_available_state_and_expiry(open_till, shop):
    code = shop.card(5000, expires_at="2027-06-30T12:00:00+00:00")
    till = open_till(left_to_pay=1800)
    expect(till.page.get_by_text("18.00 GBP left to pay")).to_be_visible()
    till.shot("1-start")
    choose(till, "Check balance")
    till.shot("2-card")
    scan(till, code)
    region = card_region(till)
    expect(region).to_contain_text("Balance50.00 GBP")
    expect(region).to_contain_text("Available50.00 GBP")
    expect(region).to_contain_text("StateActive")
    expect(region).to_contain_text("Expires30 Jun 2027")
    expect(till.page.get_by_role("button", name="Confirm redemption")).to_be_hidden()
    till.shot("3-balance")
    assert [c["name"] for c in till.calls()][:2] == [
        "pos_onBarcodeScanEvent",
        "pos_getCurrentAccount",
    ]
    assert till.calls("pos_addPayment") == []


def test_a_full_redemption_goes_to_checkout(open_till, shop):
    code = shop.card(3000)
    till = open_till(left_to_pay=4550)
    choose(till, "Redeem")
    type_card(till, code)
    expect(amount(till)).to_have_value("30.00")  # all the card has, < left to pay
    till.shot("4-redeem")
    confirm(till).click()
    done = till.page.get_by_role("region", name="Gift card payment added")
    expect(done).to_contain_text("Paid 30.00 GBP by gift card.")
    expect(done).to_contain_text("Remaining on the card: 0.00 GBP.")
    till.shot("5-done")
    (paid,) = till.calls("pos_addPayment")
    assert paid["args"] == [3000, "GIFTCARD"]
    (checkout,) = till.calls("pos_navigateToCheckoutView")
    assert checkout["at"] > paid["at"]
    card = shop.balance(code)
    assert (card["balance"], card["held"], card["available"]) == (3000, 3000, 0)


def test_a_partial_redemption_then_the_close_captures_the_hold(open_till, shop):
    code = shop.card(5000)
    till = open_till(left_to_pay=1250)
    choose(till, "Redeem")
    type_card(till, code)
    expect(amount(till)).to_have_value("12.50")  # what is left to pay, < available
    amount(till).fill("10.00")
    confirm(till).click()
    expect(till.page.get_by_text("Remaining on the card: 40.00 GBP.")).to_be_visible()
    assert till.calls("pos_addPayment")[0]["args"] == [1000, "GIFTCARD"]
    answer = shop.close(receipt(till.account_id, payments=[payment(1, "10.00")]))
    [outcome] = answer["outcomes"]
    assert (outcome["result"], outcome["amount"]) == ("applied", 1000)
    assert outcome["hold_id"] is not None  # the page's hold was captured
    card = shop.balance(code)
    assert (card["balance"], card["held"], card["available"]) == (4000, 0, 4000)


def test_more_than_available_or_left_to_pay_is_refused_in_the_page(open_till, shop):
    code = shop.card(2000)
    till = open_till(left_to_pay=1500)
    choose(till, "Redeem")
    type_card(till, code)
    expect(amount(till)).to_have_value("15.00")
    amount(till).fill("25.00")
    error = till.page.get_by_text("more than the card has available (20.00 GBP)")
    expect(error).to_be_visible()
    expect(amount(till)).to_have_attribute("aria-invalid", "true")
    expect(confirm(till)).to_be_disabled()
    till.shot("6-over-available")
    amount(till).fill("17.50")
    expect(
        till.page.get_by_text("more than is left to pay (15.00 GBP)")
    ).to_be_visible()
    expect(confirm(till)).to_be_disabled()
    till.shot("7-over-left-to-pay")
    amount(till).fill("abc")
    expect(till.page.get_by_text("Type an amount in GBP")).to_be_visible()
    amount(till).press("Enter")  # the keyboard's Go key cannot bypass the check
    assert till.calls("pos_addPayment") == []
    assert shop.balance(code)["held"] == 0


def test_a_failed_add_payment_releases_the_hold(open_till, shop):
    code = shop.card(5000)
    till = open_till(left_to_pay=2000, addPayment="error")
    choose(till, "Redeem")
    type_card(till, code)
    confirm(till).click()
    message = "The POS did not add the payment, so the hold was released"
    expect(till.page.get_by_role("alert").filter(has_text=message)).to_be_visible()
    till.shot("8-payment-failed")
    assert len(till.calls("pos_addPayment")) == 1
    assert till.calls("pos_navigateToCheckoutView") == []
    card = shop.balance(code)
    assert (card["balance"], card["held"], card["available"]) == (5000, 0, 5000)


def test_a_silent_pos_times_out_and_the_hold_is_released(open_till, shop):
    code = shop.card(5000)
    till = open_till(left_to_pay=2000, addPayment="silent", paymentTimeoutMs=400)
    choose(till, "Redeem")
    type_card(till, code)
    confirm(till).click()
    message = "did not confirm the payment in time, so the hold was released"
    expect(till.page.get_by_role("alert").filter(has_text=message)).to_be_visible()
    assert shop.balance(code)["held"] == 0


def test_a_lost_connection_is_retried_with_the_same_key_and_debits_once(
    open_till, shop
):
    code = shop.card(5000)
    till = open_till(left_to_pay=2600)
    keys: list[str] = []

    def lose_the_first_answer(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.fetch()  # the server places the hold...
            route.abort("connectionreset")  # ...and its answer never arrives
        else:
            route.continue_()

    till.page.route(re.compile(r"/v1/pos/holds$"), lose_the_first_answer)
    choose(till, "Redeem")
    type_card(till, code)
    expect(amount(till)).to_have_value("26.00")
    confirm(till).click()
    expect(till.page.get_by_text("Paid 26.00 GBP by gift card.")).to_be_visible()
    assert len(keys) == 2 and keys[0] == keys[1]
    assert len(till.calls("pos_addPayment")) == 1
    card = shop.balance(code)
    assert (card["balance"], card["held"]) == (5000, 2600)  # one hold, not two
    [outcome] = shop.close(receipt(till.account_id, payments=[payment(1, "26.00")]))[
        "outcomes"
    ]
    assert (outcome["result"], outcome["amount"]) == ("applied", 2600)
    assert outcome["hold_id"] is not None
    card = shop.balance(code)
    assert (card["balance"], card["held"], card["available"]) == (2400, 0, 2400)
