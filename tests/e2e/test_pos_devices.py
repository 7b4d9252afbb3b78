"""POS devices: one-time pairing codes, the device credential, scoping, revoking."""

from __future__ import annotations

import hashlib

import pytest

from tests.e2e.support import PLATFORM, bearer, created, hold_body, issue_card


def pairing_code(client, merchant, site_id=None) -> str:
    path = f"{merchant.path}/sites/{site_id or merchant.site_id}/pairing-codes"
    return created(client.post(path, headers=merchant.admin))["code"]


def pair(client, code: str, name: str = "Till 1"):
    return client.post(
        "/v1/pos-extension/pair", json={"code": code, "device_name": name}
    )


@pytest.fixture
def device(client, merchant) -> dict:
    return created(pair(client, pairing_code(client, merchant)))


def test_a_pairing_code_is_short_expires_in_ten_minutes_and_is_stored_hashed(
    client, merchant, app
):
    answer = created(
        client.post(
            f"{merchant.path}/sites/{merchant.site_id}/pairing-codes",
            headers=merchant.admin,
        )
    )
    code = answer["code"]
    assert len(code.replace("-", "")) == 8
    assert answer["expires_at"] == "2026-11-01T12:10:00+00:00"  # the fake clock + 10'
    recorder = app.extensions["giftledger.ledger"].recorder
    stored = b"".join(
        bytes(n.state) for n in recorder.select_notifications(start=1, limit=1000)
    )
    assert code.encode() not in stored and code.replace("-", "").encode() not in stored
    digest = hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert digest.encode() in stored


def test_pairing_gives_a_device_credential_for_the_site_once(client, merchant):
    code = pairing_code(client, merchant)
    paired = created(pair(client, code.lower().replace("-", " ")))  # as typed
    assert paired["token"].startswith("gld_")
    assert paired["site_id"] == merchant.site_id
    assert paired["business_location_id"] == merchant.location_id
    again = pair(client, code)
    assert again.status_code == 422
    assert again.json["code"] == "pairing_code_invalid"
    assert "already used" in again.json["detail"]
    settings = client.get("/v1/pos-extension/settings", headers=bearer(paired["token"]))
    assert settings.status_code == 200
    assert settings.json["site_name"] == "Main"


def test_an_expired_or_unknown_code_is_refused(client, merchant, clock):
    code = pairing_code(client, merchant)
    clock.advance(600)
    expired = pair(client, code)
    assert (expired.status_code, expired.json["code"]) == (422, "pairing_code_invalid")
    assert "expired" in expired.json["detail"]
    unknown = pair(client, "ABCD-EFGH")
    assert unknown.status_code == 422 and "no such" in unknown.json["detail"]
    missing = client.post("/v1/pos-extension/pair", json={})
    assert missing.status_code == 400 and "code" in missing.json["errors"]


def test_a_code_for_an_unknown_site_or_from_another_merchant_is_refused(
    client, merchant
):
    nowhere = client.post(
        f"{merchant.path}/sites/nope/pairing-codes", headers=merchant.admin
    )
    assert (nowhere.status_code, nowhere.json["code"]) == (404, "site_not_found")
    pos = client.post(
        f"{merchant.path}/sites/{merchant.site_id}/pairing-codes", headers=merchant.pos
    )
    assert pos.status_code == 403


def test_the_device_redeems_at_its_own_location_only(client, merchant, device):
    code = issue_card(client, merchant, 5000)
    token = bearer(device["token"], **{"Idempotency-Key": "k1"})
    held = client.post(
        "/v1/pos/holds", json=hold_body(merchant, code, 700), headers=token
    )
    assert held.status_code == 201, held.json
    site = {"name": "Other", "lightspeed_business_location_id": 999}
    created(client.post(f"{merchant.path}/sites", json=site, headers=PLATFORM))
    elsewhere = client.post(
        "/v1/pos/holds",
        json=hold_body(merchant, code, 100, business_location_id=999),
        headers=bearer(device["token"]),
    )
    assert (elsewhere.status_code, elsewhere.json["code"]) == (403, "forbidden")
    release = client.post(
        f"/v1/pos/holds/{held.json['hold_id']}/release", headers=bearer(device["token"])
    )
    assert release.status_code == 200
    refund = client.post(
        "/v1/pos/redemptions/x/refunds", json={"amount": 1},
        headers=bearer(device["token"]),
    )  # fmt: skip
    assert refund.status_code == 403
    looked = client.get(f"/v1/pos/cards/{code}", headers=bearer(device["token"]))
    assert looked.json["available"] == 5000


def test_a_device_is_listed_seen_and_refused_on_its_next_call_once_revoked(
    client, merchant, device, clock
):
    listed = client.get(f"{merchant.path}/devices", headers=merchant.admin).json
    (entry,) = listed["items"]
    assert entry["name"] == "Till 1" and entry["last_seen_at"] is None
    token = bearer(device["token"])
    assert client.get("/v1/pos-extension/settings", headers=token).status_code == 200
    seen = client.get(f"{merchant.path}/devices", headers=merchant.admin).json
    assert seen["items"][0]["last_seen_at"] == "2026-11-01T12:00:00+00:00"
    clock.advance(30)
    client.get("/v1/pos-extension/settings", headers=token)
    seen = client.get(f"{merchant.path}/devices", headers=merchant.admin).json
    assert seen["items"][0]["last_seen_at"] == "2026-11-01T12:00:00+00:00"  # < 1'
    gone = client.delete(
        f"{merchant.path}/devices/{device['device_id']}", headers=merchant.admin
    )
    assert gone.status_code == 204
    refused = client.get("/v1/pos-extension/settings", headers=token)
    assert (refused.status_code, refused.json["code"]) == (401, "unauthorized")
    listed = client.get(f"{merchant.path}/devices", headers=merchant.admin).json
    assert listed["items"][0]["revoked"] is True
    other = client.delete(f"{merchant.path}/devices/nope", headers=merchant.admin)
    assert (other.status_code, other.json["code"]) == (404, "device_not_found")


def test_device_credentials_are_never_issued_or_rotated_by_hand(
    client, merchant, device
):
    issued = client.post(
        f"{merchant.path}/credentials", json={"kind": "device"}, headers=PLATFORM
    )
    assert issued.status_code == 400
    rotated = client.post(
        f"{merchant.path}/credentials/{device['device_id']}/rotate", headers=PLATFORM
    )
    assert rotated.status_code == 400
    assert created(pair(client, "ZZZZ-ZZZZ"), 422)["code"] == "pairing_code_invalid"
