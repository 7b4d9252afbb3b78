"""Pairing an iPad with a one-time code, and a revoked device refused at once."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.posext.conftest import HTTP
from tests.browser.posext.steps import choose, type_card


def test_pairing_with_a_code_from_the_manager(open_till, shop):
    till = open_till(device=None)
    field = till.page.get_by_label("Pairing code")
    expect(field).to_be_focused()
    till.shot("0-pair")
    field.fill("ABCD-EFGH")
    till.page.get_by_role("button", name="Pair this iPad").click()
    expect(
        till.page.get_by_text("No such pairing code: check what you typed.")
    ).to_be_visible()
    url = f"{shop.path}/sites/{shop.site_id}/pairing-codes"
    code = HTTP.post(url, headers=shop.admin).json()["code"]
    field.fill(code.lower())
    till.page.get_by_role("button", name="Pair this iPad").click()
    expect(till.page.get_by_role("button", name="Check balance")).to_be_visible()
    expect(till.page.get_by_text("Bistro · Main street")).to_be_visible()
    stored = till.page.evaluate("JSON.parse(localStorage.getItem('giftledger.device'))")
    assert stored["token"].startswith("gld_") and code not in till.page.url
    till.page.reload()  # the credential stays on the iPad
    expect(till.page.get_by_role("button", name="Redeem")).to_be_visible()
    devices = HTTP.get(f"{shop.path}/devices", headers=shop.admin).json()["items"]
    assert stored["device_id"] in {d["device_id"] for d in devices}


def test_a_revoked_device_is_refused_on_its_next_call(open_till, shop):
    device = shop.device()
    till = open_till(device=device)
    choose(till, "Check balance")
    url = f"{shop.path}/devices/{device['device_id']}"
    assert HTTP.delete(url, headers=shop.admin).status_code == 204
    type_card(till, shop.card(1000))
    expect(till.page.get_by_text("This iPad is no longer paired")).to_be_visible()
    expect(till.page.get_by_label("Pairing code")).to_be_visible()
    assert till.page.evaluate("localStorage.getItem('giftledger.device')") is None
    till.shot("13-revoked")
