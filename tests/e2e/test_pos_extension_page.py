"""The extension page's headers and assets, and the dashboard partials it ships."""

from __future__ import annotations

import re
from uuid import UUID

from flask import render_template

from tests.e2e.support import created

ASSETS = ("app.js", "ledger.js", "messages.js", "money.js", "pos.js", "pos.css")


def test_the_page_has_no_inline_script_and_a_strict_csp(client):
    page = client.get("/pos-extension/")
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = page.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(
        'src="' in attrs and not body.strip() for attrs, body in scripts
    )
    assert (
        " style=" not in html and "<style" not in html and " on" + "click" not in html
    )
    total = len(html.encode())
    for name in ASSETS:
        asset = client.get(f"/pos-extension/static/{name}")
        assert asset.status_code == 200, name
        total += len(asset.data)
    assert total < 100_000


def test_the_dashboard_partials_list_devices_and_show_a_new_code(app, client, merchant):
    path = f"{merchant.path}/sites/{merchant.site_id}/pairing-codes"
    code = created(client.post(path, headers=merchant.admin))["code"]
    created(client.post("/v1/pos-extension/pair",
                        json={"code": code, "device_name": "<b>Till</b>"}))  # fmt: skip
    ledger = app.extensions["giftledger.ledger"]
    mid = UUID(merchant.merchant_id)
    with app.test_request_context():
        devices = ledger.devices(mid)
        html = render_template(
            "pos_extension/dashboard/devices.html", devices=devices,
            revoke_url=lambda d: f"/dashboard/devices/{d}/revoke", csrf_token="t0k",
        )  # fmt: skip
        assert "&lt;b&gt;Till&lt;/b&gt;" in html and "<b>Till" not in html
        assert f"/dashboard/devices/{devices[0]['device_id']}/revoke" in html
        assert "Never" in html and 'value="t0k"' in html
        ledger.revoke_device(mid, UUID(devices[0]["device_id"]))
        html = render_template(
            "pos_extension/dashboard/devices.html", devices=ledger.devices(mid),
            revoke_url=lambda d: f"/x/{d}", csrf_token="t0k",
        )  # fmt: skip
        assert "Revoked" in html and "/x/" not in html
        fresh, expires = ledger.create_pairing_code(mid, merchant.site_id)
        html = render_template(
            "pos_extension/dashboard/pairing_code.html",
            sites=[{"site_id": merchant.site_id, "name": "Main"}],
            pairing_form_action="/dashboard/pairing-codes", csrf_token="t0k",
            pairing_code={"code": fresh, "site_name": "Main", "expires_at": expires},
        )  # fmt: skip
        assert fresh in html and "Valid until 12:10 UTC" in html
