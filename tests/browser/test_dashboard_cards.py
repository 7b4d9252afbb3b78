"""Card pages in Chromium against gunicorn: look-up, adjust, block, void, roles.

Run on SQLite (`live`) and, for the money-moving path, on PostgreSQL too: the page
after each change shows it (read your own writes on both stores).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Live, seed_merchant, seed_user, shoot, sign_in
from tests.browser.pages_support import add_site, card, issue, median_ms, server_ms

CODE = "4000123412341234"


def find(page: Any, code: str) -> None:
    """Type (or scan) a code into the look-up field and press Enter, by keyboard."""
    page.get_by_role("link", name="Cards").first.click()
    field = page.get_by_label("Card code")
    assert field.evaluate("e => e === document.activeElement")  # ready for a scanner
    page.keyboard.type(code)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("backend", ["live", "live_postgres"])
def test_look_up_adjust_block_and_void_with_confirmation(
    backend: str, request: pytest.FixtureRequest, page: Any
) -> None:
    live: Live = request.getfixturevalue(backend)
    merchant = seed_merchant(live)
    issue(live, merchant, CODE, 2500, site_id=add_site(live, merchant))
    sign_in(page, live, merchant.owner_email)
    page.wait_for_url(live.url("/dashboard/"))
    page.get_by_role("link", name="Cards").first.click()
    if backend == "live":
        shoot(page, "cards-find")
    find(page, CODE)
    page.wait_for_url("**/dashboard/cards/*-*")
    assert CODE not in page.url and CODE not in page.content()
    assert page.locator("h1").inner_text() == "Card ****1234"
    assert page.locator("#card-balance").inner_text() == "£25.00"

    page.get_by_label("Amount (GBP)").fill("-2.50")
    page.get_by_label("Reason").select_option("support_issue")
    page.get_by_label("Note (required for “other”)").fill("till error")
    page.get_by_role("button", name="Review adjustment").click()
    heading = page.get_by_role("heading", name="Adjust card ****1234 by -£2.50?")
    expect(heading).to_be_visible()
    assert page.locator("#confirm-after").inner_text() == "£22.50"
    if backend == "live":
        shoot(page, "card-confirm")
    assert card(live, merchant, CODE)["balance"] == 2500  # not before the confirmation
    page.get_by_role("button", name="Confirm adjustment").click()
    assert page.locator("#card-balance").inner_text() == "£22.50"
    timeline = page.locator("table.timeline tbody tr").first
    assert "Adjusted" in timeline.inner_text() and "till error" in timeline.inner_text()
    assert card(live, merchant, CODE)["balance"] == 2250

    page.get_by_label("Why block?").fill("reported lost")
    page.get_by_role("button", name="Review block").click()
    page.get_by_role("button", name="Confirm block").click()
    assert page.locator("#card-state").inner_text() == "blocked"
    assert "reported lost" in page.locator("table.timeline tbody tr").first.inner_text()
    assert page.get_by_role("button", name="Review block").count() == 0
    assert page.get_by_role("button", name="Review void").count() == 0  # unblock first
    page.get_by_label("Why unblock?").fill("found again")
    page.get_by_role("button", name="Review unblock").click()
    page.get_by_role("button", name="Confirm unblock").click()
    assert page.locator("#card-state").inner_text() == "active"

    page.get_by_label("Why void?").fill("found damaged")
    page.get_by_role("button", name="Review void").click()
    expect(page.get_by_text("Voiding cannot be undone")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()  # the confirmation's way out
    assert page.locator("#card-state").inner_text() == "active"
    page.get_by_label("Why void?").fill("found damaged")
    page.get_by_role("button", name="Review void").click()
    page.get_by_role("button", name="Confirm void").click()
    assert page.locator("#card-state").inner_text() == "voided"
    assert card(live, merchant, CODE)["state"] == "voided"
    if backend == "live":
        shoot(page, "card")


def test_unknown_card_shows_card_not_found_by_the_field(live: Live, page: Any) -> None:
    merchant = seed_merchant(live)
    sign_in(page, live, merchant.owner_email)
    page.wait_for_url(live.url("/dashboard/"))
    find(page, "9999888877776666")
    error = page.locator("#code-error")
    assert error.inner_text() == "No gift card with that code exists for this merchant."
    expect(page.get_by_text("card_not_found")).to_be_visible()
    assert page.get_by_label("Card code").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Card code").input_value() == ""  # the code is not kept


def test_support_user_cannot_adjust(live: Live, page: Any) -> None:
    merchant = seed_merchant(live)
    issue(live, merchant, CODE, 1000)
    email, password = seed_user(live, merchant, "support")
    sign_in(page, live, email, password)
    page.wait_for_url(live.url("/dashboard/"))
    find(page, CODE)
    page.wait_for_url("**/dashboard/cards/*-*")
    assert page.locator("#card-balance").inner_text() == "£10.00"
    for name in ("Review adjustment", "Review block", "Review void"):
        assert page.get_by_role("button", name=name).count() == 0
    assert page.get_by_role("link", name="Issue a new card").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(
        page.url + "/adjust",
        form={"csrf_token": token, "amount": "5.00", "reason": "complimentary",
              "note": "", "confirm": "yes"},
    )  # fmt: skip
    assert refused.status == 403
    assert "Your role does not allow this" in refused.text()
    assert card(live, merchant, CODE)["balance"] == 1000


@pytest.mark.parametrize("backend", ["live", "live_postgres"])
def test_card_page_server_time(
    backend: str, request: pytest.FixtureRequest, page: Any
) -> None:
    """The card page's server-side time, from the access log (median of 30)."""
    live: Live = request.getfixturevalue(backend)
    merchant = seed_merchant(live)
    issue(live, merchant, CODE, 100_000)
    sign_in(page, live, merchant.owner_email)
    page.wait_for_url(live.url("/dashboard/"))
    find(page, CODE)
    page.wait_for_url("**/dashboard/cards/*-*")
    for n in range(20):  # a card with some history: 20 adjustments
        token = page.locator("input[name=csrf_token]").first.get_attribute("value")
        done = page.request.post(
            page.url + "/adjust",
            form={"csrf_token": token, "amount": "-1.00", "reason": "complimentary",
                  "note": "", "confirm": "yes", "nonce": f"bench-{n:04d}"},
        )  # fmt: skip
        assert done.ok
    for _ in range(30):
        assert page.request.get(page.url).ok
    times = server_ms(live, r"/dashboard/cards/[^/]+", at_least=31)[-30:]
    median = median_ms(times)
    print(f"\ncard page, {backend}, 21 events: median {median:.1f} ms over 30")
    assert median < 250
