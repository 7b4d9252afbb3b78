"""What staff do at the till, found by role and label as a screen reader would."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, expect

from tests.browser.posext.conftest import Till


def choose(till: Till, mode: str) -> None:
    """Tap Check balance or Redeem."""
    till.page.get_by_role("button", name=mode, exact=True).click()
    expect(till.page.get_by_label("Card code")).to_be_focused()


def type_card(till: Till, code: str) -> None:
    """Type a card code and look it up."""
    till.page.get_by_label("Card code").fill(code)
    till.page.get_by_role("button", name="Look up card").click()


def scan(till: Till, code: str) -> None:
    """The POS reports a scanned QR code."""
    till.page.evaluate("code => window.__pos.scan(code)", code)


def card_region(till: Till) -> Locator:
    """The card's figures: balance, available, state, expiry."""
    return till.page.get_by_role("region", name=re.compile(r"^Card "))


def amount(till: Till) -> Locator:
    """The amount to redeem."""
    return till.page.get_by_label("Amount to redeem")


def confirm(till: Till) -> Locator:
    """The Confirm redemption button."""
    return till.page.get_by_role("button", name="Confirm redemption")


def alert_text(till: Till, text: str) -> None:
    """An alert (by a field or the card) says exactly this, among the alerts."""
    expect(till.page.get_by_role("alert").filter(has_text=text)).to_be_visible()
