"""POS devices on the dashboard: a manager pairs an iPad with a code, revokes it."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.e2e.dashboard_pages import sign_up, text
from tests.e2e.support import MerchantSetup, bearer, set_up_merchant

CODE = re.compile(r'<p class="code"><strong>([A-Z0-9]{4}-[A-Z0-9]{4})</strong></p>')


def test_a_manager_pairs_a_device_sees_it_then_revokes_it(
    app: Flask, client: FlaskClient, merchant: MerchantSetup
) -> None:
    manager = sign_up(app, merchant, "manager", "mia@bistro.test")
    shown = manager.post(
        "/dashboard/integration/pairing-codes", site_id=merchant.site_id
    )
    assert shown.status_code == 200
    page = text(shown)
    code = CODE.search(page)
    assert code, page[-2000:]
    assert "Never" not in page and "No POS device is paired yet." in page

    paired = client.post(
        "/v1/pos-extension/pair", json={"code": code.group(1), "device_name": "Till 7"}
    )
    assert paired.status_code == 201, paired.json
    token = paired.json["token"]
    settings = client.get("/v1/pos-extension/settings", headers=bearer(token))
    assert settings.status_code == 200

    listed = text(manager.get("/dashboard/integration"))
    assert "Till 7" in listed and "Active" in listed
    assert code.group(1) not in listed  # a code is shown once, on its own answer
    device_id = paired.json["device_id"]
    revoked = manager.post(f"/dashboard/integration/devices/{device_id}/revoke")
    assert revoked.status_code == 302
    assert "Revoked" in text(manager.get("/dashboard/integration"))
    refused = client.get("/v1/pos-extension/settings", headers=bearer(token))
    assert refused.status_code == 401


def test_pairing_for_an_unknown_site_is_a_message_by_the_field(
    app: Flask, merchant: MerchantSetup
) -> None:
    manager = sign_up(app, merchant, "owner", "olive@bistro.test")
    answer = manager.post("/dashboard/integration/pairing-codes", site_id="nope")
    assert answer.status_code == 422
    assert "Choose one of your sites." in text(answer)


def test_support_cannot_pair_or_revoke_and_another_merchant_cannot_revoke(
    app: Flask, client: FlaskClient, merchant: MerchantSetup
) -> None:
    support = sign_up(app, merchant, "support", "sam@bistro.test")
    answer = support.post(
        "/dashboard/integration/pairing-codes", site_id=merchant.site_id
    )
    assert answer.status_code == 403
    owner = sign_up(app, merchant, "owner", "olive@bistro.test")
    shown = text(
        owner.post("/dashboard/integration/pairing-codes", site_id=merchant.site_id)
    )
    code = CODE.search(shown)
    assert code
    paired = client.post("/v1/pos-extension/pair", json={"code": code.group(1)})
    assert paired.status_code == 201, paired.json
    other = set_up_merchant(client, "Other", "GBP", "40570261078099")
    stranger = sign_up(app, other, "owner", "oscar@other.test")
    stranger.post(f"/dashboard/integration/devices/{paired.json['device_id']}/revoke")
    still = client.get(
        "/v1/pos-extension/settings", headers=bearer(paired.json["token"])
    )
    assert still.status_code == 200  # B's user cannot touch A's device
