"""Merchants, sites and credentials through the admin API."""

from __future__ import annotations

import base64

from tests.e2e.support import (
    bearer,
    created,
    issue_card,
    redemption_body,
    set_up_merchant,
)


def test_a_merchant_is_registered_with_sites(client, platform):
    merchant = created(
        client.post("/v1/merchants", json={"name": "Bistro", "currency": "EUR"},
                    headers=platform)
    )  # fmt: skip
    path = f"/v1/merchants/{merchant['merchant_id']}"
    assert (merchant["name"], merchant["currency"], merchant["sites"]) == (
        "Bistro", "EUR", [],
    )  # fmt: skip
    site = created(
        client.post(f"{path}/sites", headers=platform,
                    json={"name": "Dock", "lightspeed_business_location_id": "77"})
    )  # fmt: skip
    assert site["lightspeed_business_location_id"] == "77"
    again = client.post(
        f"{path}/sites", headers=platform,
        json={"name": "Dock 2", "lightspeed_business_location_id": "77"},
    )  # fmt: skip
    assert again.status_code == 400
    assert "lightspeed_business_location_id" in again.json["errors"]
    shown = created(client.get(path, headers=platform), 200)
    assert [s["site_id"] for s in shown["sites"]] == [site["site_id"]]


def test_merchant_registration_is_validated(client, platform):
    cases = [
        ({"name": "A", "currency": "XYZ"}, "invalid_currency", {"currency"}),
        ({"name": "", "currency": "GBP"}, "invalid_request", {"name"}),
        ({"currency": "GBP", "x": 1}, "invalid_request", {"name", "x"}),
        ({"name": "A", "currency": 826}, "invalid_currency", {"currency"}),
    ]
    for body, problem, fields in cases:
        answer = client.post("/v1/merchants", json=body, headers=platform)
        assert (answer.status_code, answer.json["code"]) == (400, problem), body
        assert set(answer.json["errors"]) == fields


def test_secrets_are_shown_once_and_never_listed(client, merchant, platform):
    url = f"{merchant.path}/credentials"
    hook = created(client.post(url, json={"kind": "webhook"}, headers=platform))
    assert hook["username"].startswith("glw_") and len(hook["secret"]) >= 43
    pos = created(client.post(url, json={"kind": "pos"}, headers=platform))
    assert "username" not in pos
    username, _, secret = pos["secret"].partition(".")
    assert username == "glp_" + pos["credential_id"].replace("-", "")
    assert len(secret) >= 43
    listed = created(client.get(url, headers=platform), 200)["items"]
    kinds = sorted(item["kind"] for item in listed)
    assert kinds == ["admin", "pos", "pos", "webhook"]
    text = str(listed)
    assert hook["secret"] not in text and secret not in text
    assert all("secret" not in item for item in listed)
    assert (
        bearer(pos["secret"])
        and client.get(
            f"/v1/pos/cards/{'x' * 8}", headers=bearer(pos["secret"])
        ).status_code
        == 404
    )


def test_stored_events_hold_hashes_never_secrets(app, client, merchant, platform):
    url = f"{merchant.path}/credentials"
    issued = [
        created(client.post(url, json={"kind": kind}, headers=platform))["secret"]
        for kind in ("webhook", "pos", "admin")
    ]
    secrets = [s.partition(".")[2] or s for s in issued]
    ledger = app.extensions["giftledger.ledger"]
    stored = b"".join(
        n.state for n in ledger.recorder.select_notifications(start=1, limit=10_000)
    )
    assert b"secret_hash" in stored
    for secret in [*secrets, merchant.pos_token.partition(".")[2]]:
        assert secret.encode() not in stored


def test_a_revoked_credential_fails_at_once(client, merchant, platform):
    code = issue_card(client, merchant, 100)
    url = f"{merchant.path}/credentials"
    pos = created(client.post(url, json={"kind": "pos"}, headers=platform))
    assert (
        client.get(f"/v1/pos/cards/{code}", headers=bearer(pos["secret"])).status_code
        == 200
    )
    gone = client.delete(f"{url}/{pos['credential_id']}", headers=platform)
    assert gone.status_code == 204 and gone.data == b""
    answer = client.get(f"/v1/pos/cards/{code}", headers=bearer(pos["secret"]))
    assert (answer.status_code, answer.json["code"]) == (401, "unauthorized")
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    listed = created(client.get(url, headers=platform), 200)["items"]
    assert [
        i["revoked"] for i in listed if i["credential_id"] == pos["credential_id"]
    ] == [True]
    assert (
        client.delete(f"{url}/{pos['credential_id']}", headers=platform).status_code
        == 204
    )
    for unknown in ("00000000-0000-0000-0000-000000000000", "nope"):
        answer = client.delete(f"{url}/{unknown}", headers=platform)
        assert (answer.status_code, answer.json["code"]) == (
            404,
            "credential_not_found",
        )
    # The other POS token keeps working.
    assert client.get(f"/v1/pos/cards/{code}", headers=merchant.pos).status_code == 200


def test_a_rotated_credential_works_beside_the_old_until_it_is_revoked(
    client, merchant, platform
):
    code = issue_card(client, merchant, 100)
    listed = created(client.get(f"{merchant.path}/credentials", headers=platform), 200)
    old_id = next(i["credential_id"] for i in listed["items"] if i["kind"] == "pos")
    url = f"{merchant.path}/credentials/{old_id}"
    new = created(client.post(f"{url}/rotate", headers=platform))
    assert (new["kind"], new["rotated_from"]) == ("pos", old_id)
    for headers in (merchant.pos, bearer(new["secret"])):
        assert client.get(f"/v1/pos/cards/{code}", headers=headers).status_code == 200
    assert client.delete(url, headers=platform).status_code == 204
    assert client.get(f"/v1/pos/cards/{code}", headers=merchant.pos).status_code == 401
    assert (
        client.get(f"/v1/pos/cards/{code}", headers=bearer(new["secret"])).status_code
        == 200
    )
    answer = client.post(f"{url}/rotate", headers=platform)
    assert (answer.status_code, answer.json["code"]) == (404, "credential_not_found")


def test_missing_or_garbage_credentials_are_401_with_a_challenge(client, merchant):
    hook = created(
        client.post(f"{merchant.path}/credentials", json={"kind": "webhook"},
                    headers=merchant.admin)
    )  # fmt: skip
    basic = base64.b64encode(f"{hook['username']}:{hook['secret']}".encode()).decode()
    username = merchant.pos_token.partition(".")[0]
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer garbage"},
        {"Authorization": f"Bearer {username}.wrong-secret"},
        {"Authorization": f"Bearer {merchant.pos_token}x"},
        {"Authorization": f"Basic {basic}"},
        {"Authorization": "Bearer glp_" + "0" * 32 + ".x"},
    ):
        for method, url in (
            ("get", "/v1/pos/cards/ABCD1234"),
            ("post", "/v1/pos/redemptions"),
            ("get", f"{merchant.path}/credentials"),
            ("post", "/v1/merchants"),
        ):
            answer = getattr(client, method)(url, headers=headers)
            assert (answer.status_code, answer.json["code"]) == (401, "unauthorized")
            assert answer.headers["WWW-Authenticate"] == 'Bearer realm="giftledger"'


def test_a_credential_of_the_wrong_kind_is_403(client, merchant, platform):
    hook = created(
        client.post(f"{merchant.path}/credentials", json={"kind": "webhook"},
                    headers=platform)
    )  # fmt: skip
    hook_token = f"{hook['username']}.{hook['secret']}"
    for headers, url in (
        (merchant.pos, f"{merchant.path}/credentials"),
        (bearer(hook_token), f"{merchant.path}/credentials"),
        (merchant.admin, "/v1/pos/cards/ABCD1234"),
        (platform, "/v1/pos/cards/ABCD1234"),
        (bearer(hook_token), "/v1/pos/cards/ABCD1234"),
    ):
        answer = client.get(url, headers=headers)
        assert (answer.status_code, answer.json["code"]) == (403, "forbidden")


def test_a_merchant_admin_sees_only_its_own_merchant(client, merchant):
    other = set_up_merchant(client, "Other", "GBP", "3333")
    code = issue_card(client, other, 100)
    for method, suffix, body in (
        ("get", "", None),
        ("post", "/sites", {"name": "x", "lightspeed_business_location_id": "9"}),
        ("post", "/credentials", {"kind": "pos"}),
        ("get", "/credentials", None),
        ("post", "/cards", {"amount": 1, "currency": "GBP"}),
        ("get", f"/cards/{code}", None),
        ("post", f"/cards/{code}/void", {"reason": "x"}),
    ):
        answer = getattr(client, method)(
            f"{other.path}{suffix}", json=body, headers=merchant.admin
        )
        assert (answer.status_code, answer.json["code"]) == (404, "merchant_not_found")
    forbidden = client.post(
        "/v1/merchants",
        json={"name": "Mine", "currency": "GBP"},
        headers=merchant.admin,
    )
    assert (forbidden.status_code, forbidden.json["code"]) == (403, "forbidden")
    own = created(client.get(merchant.path, headers=merchant.admin), 200)
    assert own["merchant_id"] == merchant.merchant_id
    card = created(client.get(f"{other.path}/cards/{code}", headers=other.admin), 200)
    assert card["balance"] == 100


def test_a_pos_token_never_reaches_another_merchants_cards(client, merchant):
    other = set_up_merchant(client, "Other", "GBP", merchant.location_id + "0")
    code = issue_card(client, other, 1000)
    lookup = client.get(f"/v1/pos/cards/{code}", headers=merchant.pos)
    assert (lookup.status_code, lookup.json["code"]) == (404, "card_not_found")
    for url, body in (
        ("/v1/pos/redemptions", redemption_body(merchant, code, 10)),
        ("/v1/pos/holds", {**redemption_body(merchant, code, 10), "account_id": "83"}),
    ):
        answer = client.post(url, json=body, headers=merchant.pos)
        assert (answer.status_code, answer.json["code"]) == (404, "card_not_found")
    card = created(client.get(f"/v1/pos/cards/{code}", headers=other.pos), 200)
    assert (card["balance"], card["version"]) == (1000, 1)
