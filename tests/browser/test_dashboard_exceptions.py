"""Receipt exceptions in Chromium against gunicorn: a real receipt, then resolving."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Live, seed_merchant, seed_user, shoot, sign_in
from tests.browser.pages_support import add_site, receipt_with_unknown_card


def test_support_resolves_an_exception_from_a_real_receipt(
    live: Live, page: Any
) -> None:
    merchant = seed_merchant(live)
    add_site(live, merchant)
    body = receipt_with_unknown_card(live, merchant)
    email, password = seed_user(live, merchant, "support")
    sign_in(page, live, email, password)
    page.wait_for_url(live.url("/dashboard/"))
    page.get_by_role("link", name="Receipt exceptions").first.click()
    expect(page.get_by_role("link", name="Open (1)")).to_be_visible()
    exception = page.locator("article.exception")
    assert exception.count() == 1
    assert "GIFTCARD" in exception.locator("table").inner_text()  # its lines
    summary = exception.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")  # the raw payload opens by keyboard too
    payload = exception.locator("pre.payload")
    expect(payload).to_be_visible()
    assert str(body["account"]["id"]) in payload.inner_text()
    shoot(page, "exceptions")

    page.get_by_role("button", name="Resolve this exception").click()  # no note
    expect(page.get_by_role("link", name="Open (1)")).to_be_visible()  # the browser
    note = page.get_by_label("What was done")  # refuses an empty required field
    assert note.evaluate("e => e.validity.valueMissing")
    note.fill("Guest paid by card instead; nothing to do.")
    page.get_by_role("button", name="Resolve this exception").click()
    expect(page.get_by_text("Exception resolved")).to_be_visible()
    expect(page.get_by_role("link", name="Open (0)")).to_be_visible()
    page.get_by_role("link", name="Resolved (1)").click()
    resolved = page.locator("article.exception")
    assert "Guest paid by card instead" in resolved.inner_text()
    assert email in resolved.inner_text()
    page.get_by_role("link", name="Open the receipt").click()
    expect(page.get_by_role("heading", name="Lightspeed receipt")).to_be_visible()
    shoot(page, "receipt")
