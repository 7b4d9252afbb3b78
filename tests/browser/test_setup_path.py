"""The whole set-up path in the browser, then a real RTN receipt with its credential.

A new owner adds a site, the gift-card settings and a webhook credential (shown
once); Lightspeed's receipt posted with that credential is then the site's last
receipt on the overview, and the sold card's activity (through the API) names it.
Run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.browser.conftest import (
    Live,
    own_location,
    sample_at,
    seed_merchant,
    shoot,
    sign_in,
)
from tests.lightspeed_support import RTN, SOLD_CODE

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.parametrize("backend", ["live", "live_postgres"])
def test_set_up_lightspeed_then_a_receipt_arrives(
    backend: str, request: pytest.FixtureRequest, page: Any
) -> None:
    live: Live = request.getfixturevalue(backend)
    merchant = seed_merchant(live)
    location = own_location()
    sign_in(page, live, merchant.owner_email)
    page.wait_for_url(live.url("/dashboard/"))
    expect(page.get_by_text("No sites yet")).to_be_visible()

    page.get_by_role("link", name="Lightspeed integration").first.click()
    # A location id that is no id: the message stands by its field, nothing is added.
    page.get_by_label("Site name").fill("Main street")
    page.get_by_label("Lightspeed business location id").fill("not an id!")
    page.get_by_role("button", name="Add site").click()
    field_error = page.locator("#location_id-error")
    assert "business location id" in field_error.inner_text()
    assert page.get_by_label("Site name").input_value() == "Main street"
    page.get_by_label("Lightspeed business location id").fill(location)
    page.get_by_role("button", name="Add site").click()
    expect(page.get_by_text("Site Main street added.")).to_be_visible()

    page.get_by_label("Gift-card item SKUs").fill("GC-ANY")
    page.get_by_label("Gift-card payment method codes").fill("GIFTCARD")
    page.get_by_label("Hold time (seconds)").fill("5")
    page.get_by_role("button", name="Save settings").click()
    assert "from 30 to 86400" in page.locator("#hold_ttl_seconds-error").inner_text()
    page.get_by_label("Hold time (seconds)").fill("900")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Lightspeed settings saved.")).to_be_visible()
    shoot(page, "integration")

    page.get_by_role("button", name="Generate webhook credential").click()
    username = page.locator("#webhook-username").inner_text()
    password = page.locator("#webhook-password").inner_text()
    assert page.locator("#webhook-url").inner_text() == live.url(RTN)
    expect(page.get_by_role("button", name="Copy password")).to_be_visible()
    shoot(page, "webhook-credential")
    # Shown once: the integration page lists the username, never the password.
    page.goto(live.url("/dashboard/integration"))
    expect(page.get_by_text(username)).to_be_visible()
    assert password not in page.content()
    expect(page.get_by_role("row", name=username).get_by_text("never")).to_be_visible()

    answer = requests.post(
        live.url(RTN), data=sample_at("rtn-giftcard-sale-close.json", location),
        auth=(username, password), headers={"Content-Type": "application/json"},
        timeout=10,
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    receipt_id = answer.json()["receipt_id"]
    assert [o["result"] for o in answer.json()["outcomes"]] == ["applied"]

    page.goto(live.url("/dashboard/"))
    site_row = page.get_by_test_id(f"site-{location}")
    assert "received" in site_row.inner_text()
    # The projector catches up on its own; the page waits only for what its own
    # user wrote, so reload as a person would.
    assert _reload_until(page, "[data-testid=liability-GBP]")
    assert page.get_by_test_id("liability-GBP").inner_text() == "£50.00"
    assert page.get_by_test_id("today-sold").inner_text() == "£50.00 (1)"
    assert page.get_by_test_id("month-sold").inner_text() == "£50.00 (1)"
    shoot(page, "overview")

    activity = live.api(
        "GET", f"/v1/merchants/{merchant.merchant_id}/cards/{SOLD_CODE}/activity"
    )
    assert activity.status_code == 200, activity.text
    items = activity.json()["items"]
    assert [i["type"] for i in items] == ["issued"]
    assert items[0]["receipt_id"] == receipt_id
    assert items[0]["actor"] == username
    page.goto(live.url("/dashboard/integration"))
    assert "never" not in page.get_by_role("row", name=username).inner_text()


def _reload_until(page: Any, selector: str, tries: int = 50) -> bool:
    for _ in range(tries):
        if page.locator(selector).count():
            return True
        page.wait_for_timeout(200)
        page.reload()
    return False
