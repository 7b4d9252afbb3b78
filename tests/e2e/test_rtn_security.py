"""Who may post receipts, and what a bad body gets (both backends)."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from domain.errors import CardNotFound
from tests.lightspeed_support import (
    RTN,
    SOLD_CODE,
    Webhook,
    basic,
    payment,
    receipt,
    sale,
    sample_bytes,
    set_up_webhook,
)

SALE = "rtn-giftcard-sale-close.json"


@pytest.fixture
def hook(app: Flask) -> Webhook:
    return set_up_webhook(app)


def assert_unauthorized(response) -> None:
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer something"},
        {"Authorization": "Basic !!!notbase64"},
        basic("glw_" + "0" * 32, "secret"),
        basic("nobody", "secret"),
    ],
)
def test_missing_or_malformed_credentials_get_401(hook, headers):
    response = hook.client.post(RTN, data=sample_bytes(SALE), headers=headers,
                                content_type="application/json")  # fmt: skip
    assert_unauthorized(response)


def test_a_wrong_or_revoked_secret_gets_401_and_nothing_moves(hook):
    before = hook.position()
    assert_unauthorized(hook.post(sample_bytes(SALE), **basic(hook.username, "nope")))
    credential_id = hook.username.split("_", 1)[1]
    from uuid import UUID

    hook.ledger.revoke_credential(hook.merchant_id, UUID(hex=credential_id))
    revoked_at = hook.position()
    assert_unauthorized(hook.post(sample_bytes(SALE)))
    assert hook.position() == revoked_at > before  # only the revocation was written


def test_rotation_keeps_old_and_new_working_until_the_old_is_revoked(hook):
    _, user, secret = hook.ledger.issue_credential(hook.merchant_id, "webhook")
    assert hook.post(receipt(1)).status_code == 200
    assert hook.post(receipt(2), **basic(user, secret)).status_code == 200


def test_another_kind_of_credential_is_refused(hook):
    _, user, secret = hook.ledger.issue_credential(hook.merchant_id, "pos")
    response = hook.post(sample_bytes(SALE), **basic(user, secret))
    assert response.status_code == 403
    assert response.json["code"] == "forbidden"


def test_merchant_a_cannot_move_merchant_bs_money(app):
    a = set_up_webhook(app, "A")
    b = set_up_webhook(app, "B", location="999")
    b.issue(SOLD_CODE, 5000)
    # A's credential with B's location: not a site of A.
    elsewhere = a.post(
        receipt(1, location="999", payments=[payment(1, "20.00", reference=SOLD_CODE)])
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json["code"] == "unknown_business_location"
    # A's credential at A's location naming B's card: no such card for A.
    answer = a.close(receipt(2, payments=[payment(1, "20.00", reference=SOLD_CODE)]))
    assert answer["outcomes"][0]["code"] == "card_not_found"
    assert b.balance(SOLD_CODE) == 5000


def test_a_receipt_over_1_mib_is_413_and_not_stored(hook):
    body = json.loads(sample_bytes(SALE))
    body["padding"] = "x" * (1024 * 1024)
    before = hook.position()
    response = hook.post(json.dumps(body).encode())
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json["code"] == "payload_too_large"
    assert hook.position() == before
    with pytest.raises(CardNotFound):
        hook.balance(SOLD_CODE)


def test_a_receipt_just_under_the_limit_is_taken(hook):
    body = json.loads(sample_bytes(SALE))
    text = json.dumps(body)
    body["padding"] = "x" * (1024 * 1024 - len(text) - 20)
    data = json.dumps(body).encode()
    assert len(data) <= 1024 * 1024
    assert hook.close(data)["outcomes"][0]["result"] == "applied"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{", "invalid_request"),
        (b'{"notificationType": "CLOSE"}', "invalid_request"),
        (json.dumps(receipt(1, payments=[payment(1, "20.001")])).encode(),
         "invalid_amount"),
        (json.dumps(receipt(1, lines=[sale(1, "5.00")], currency="XXX")).encode(),
         "invalid_currency"),
    ],
)  # fmt: skip
def test_a_body_that_is_not_a_usable_receipt_is_400(hook, body, code):
    before = hook.position()
    response = hook.post(body)
    assert response.status_code == 400
    assert response.json["code"] == code
    assert hook.position() == before


def test_an_unknown_location_is_422(hook):
    response = hook.post(receipt(1, location="123"))
    assert response.status_code == 422
    assert response.json["code"] == "unknown_business_location"


def test_the_exception_list_is_the_merchants_own(app):
    a = set_up_webhook(app, "A")
    b = set_up_webhook(app, "B", location="999")
    _, user, secret = a.ledger.issue_credential(a.merchant_id, "admin")
    path = f"/v1/merchants/{b.merchant_id}/receipt-exceptions"
    response = a.client.get(path, headers={"Authorization": f"Bearer {user}.{secret}"})
    assert response.status_code == 404
    assert a.client.get(path, headers=a.headers).status_code == 401


def test_a_chunked_receipt_over_1_mib_is_413_too(hook):
    body = json.loads(sample_bytes(SALE))
    body["padding"] = "x" * (1024 * 1024)
    before = hook.position()
    response = hook.client.post(
        RTN, data=json.dumps(body).encode(), content_type="application/json",
        headers={**hook.headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )  # fmt: skip
    assert response.status_code == 413
    assert response.json["code"] == "payload_too_large"
    assert hook.position() == before
