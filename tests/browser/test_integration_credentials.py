"""Renaming a site; rotating and revoking a webhook credential (with confirmation)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.browser.conftest import Live, Seeded
from tests.browser.pages_support import location_of
from tests.lightspeed_support import LOCATION as SAMPLE_LOCATION
from tests.lightspeed_support import RTN, sample_bytes

expect = pytest.importorskip("playwright.sync_api").expect


def _post_receipt(live: Live, location: str, username: str, password: str) -> int:
    # The sample as sent, at this merchant's own location (one merchant per location).
    sample = sample_bytes("rtn-docs-example-open.json")
    answer = requests.post(
        live.url(RTN), data=sample.replace(SAMPLE_LOCATION.encode(), location.encode()),
        auth=(username, password), headers={"Content-Type": "application/json"},
        timeout=10,
    )  # fmt: skip
    return answer.status_code


def _generate(page: Any) -> tuple[str, str]:
    page.get_by_role("button", name="Generate webhook credential").click()
    return (page.locator("#webhook-username").inner_text(),
            page.locator("#webhook-password").inner_text())  # fmt: skip


def test_rotate_then_revoke_a_webhook_credential(
    signed_in: Any, live: Live, merchant: Seeded
) -> None:
    page = signed_in
    location = location_of(merchant)
    site = live.api("POST", f"/v1/merchants/{merchant.merchant_id}/sites",
                    json={"name": "Main", "lightspeed_business_location_id":
                          location}).json()  # fmt: skip
    page.goto(live.url("/dashboard/integration"))
    rename = page.get_by_label(f"Name of site {location}")
    rename.fill("  ")
    page.get_by_role("button", name=f"Rename site {location}").click()
    expect(page.locator("#name-error").first).to_contain_text("required")
    page.get_by_label(f"Name of site {location}").fill("High street")
    page.get_by_role("button", name=f"Rename site {location}").click()
    expect(page.get_by_text("Site renamed to High street.")).to_be_visible()
    shown = live.api("GET", f"/v1/merchants/{merchant.merchant_id}").json()["sites"]
    assert [(s["site_id"], s["name"]) for s in shown] == [
        (site["site_id"], "High street")
    ]

    old_user, old_password = _generate(page)
    page.goto(live.url("/dashboard/integration"))
    page.get_by_role("button", name=f"Rotate {old_user}").click()
    expect(page.get_by_text(f"This replaces {old_user}")).to_be_visible()
    new_user = page.locator("#webhook-username").inner_text()
    new_password = page.locator("#webhook-password").inner_text()
    assert new_user != old_user
    # Both work until the old one is revoked.
    assert _post_receipt(live, location, old_user, old_password) == 200
    assert _post_receipt(live, location, new_user, new_password) == 200

    page.goto(live.url("/dashboard/integration"))
    page.get_by_role("link", name=f"Revoke {old_user}").click()
    expect(
        page.get_by_role("heading", name="Revoke this webhook credential?")
    ).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    # Cancel changed nothing.
    assert _post_receipt(live, location, old_user, old_password) == 200
    page.get_by_role("link", name=f"Revoke {old_user}").click()
    page.get_by_role("button", name="Revoke credential").click()
    expect(page.get_by_text(f"Credential {old_user} revoked.")).to_be_visible()
    expect(page.get_by_role("row", name=old_user)).to_contain_text("revoked")
    assert _post_receipt(live, location, old_user, old_password) == 401
    assert _post_receipt(live, location, new_user, new_password) == 200
    # A revoked credential has no revoke or rotate left.
    expect(page.get_by_role("button", name=f"Rotate {old_user}")).to_have_count(0)
