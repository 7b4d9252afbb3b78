"""Hostile requests: every class in every documented field (tests/hostile_fields.py),
then hand-written ones: broken JSON, wrong types, absurd numbers, codes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from tests.bench.seed import Merchant
from tests.hostile_fields import field_requests, operations, path_requests
from tests.reliability.receipts import payment_receipt

MALFORMED = [b"{", b'{"amount": 1', b"[1, 2", b"null", b'"text"', b"42", b"",
             b'{"amount": 1}{"amount": 2}', b"{'amount': 1}", b"\x00\x00"]  # fmt: skip
NON_UTF8 = [b'{"card_code": "\xff\xfe", "amount": 1}', b"\xc3\x28", b"\xed\xa0\x80"]
NUMBERS = [-1, 0, 2**63, 2**63 - 1, -(2**63), 2**64, 10**30, 1.5, 1e308, "100",
           "1e3", None, True, [], {}, "NaN"]  # fmt: skip
CODES = ["' OR '1'='1", "1; DROP TABLE giftledger_events; --", "../../etc/passwd",
         "..%2F..%2Fetc%2Fpasswd", "A" * 10_240, "💳🎁カード", "\u0000", "%00",
         "<script>alert(1)</script>", "ﬁ\u202e1234", " ", ""]  # fmt: skip
TYPES = ["text/plain", "application/x-www-form-urlencoded",
         "multipart/form-data; boundary=x", "application/xml", ""]  # fmt: skip
PATH_CODES = [c for c in CODES if len(c) < 4000] + ["B" * 3000]


def hostile_requests(merchant: Merchant) -> Iterator[tuple[str, str, str, Any]]:
    """(label, method, path, keyword arguments for Api.send) for every case."""
    mid = merchant.merchant_id
    redeem = {"card_code": "BENCH000000000000", "amount": 1, "currency": "GBP",
              "business_location_id": merchant.location}  # fmt: skip
    posts = [
        ("pos", "/v1/pos/redemptions", redeem),
        ("pos", "/v1/pos/holds", {**redeem, "account_id": "123"}),
        ("admin", f"/v1/merchants/{mid}/cards", {"amount": 1, "currency": "GBP"}),
        ("admin", f"/v1/merchants/{mid}/cards/BENCH000000000000/adjustments",
         {"amount": 1, "reason": "other", "note": "x"}),
        ("webhook", "/v1/webhooks/lightspeed/rtn",
         located(payment_receipt("900000000001", "BENCH000000000000", 1),
                 merchant.location)),
    ]  # fmt: skip
    for auth, path, good in posts:
        for raw in MALFORMED + NON_UTF8:
            yield f"POST {path} body {raw[:20]!r}", "POST", path, _raw(auth, raw)
        for kind in TYPES:
            sent = _raw(auth, b'{"amount": 1}', kind)
            yield f"POST {path} as {kind!r}", "POST", path, sent
        huge = b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        yield f"POST {path} 2 MiB", "POST", path, _raw(auth, huge)
        for field, value in good.items():
            if isinstance(value, int) and not isinstance(value, bool):
                for number in NUMBERS:
                    sent = {"auth": auth, "body": {**good, field: number}, "key": "k-n"}
                    yield f"POST {path} {field}={number!r:.30}", "POST", path, sent
        if "card_code" in good:
            for code in CODES:
                body = {**good, "card_code": code}
                yield (f"POST {path} card_code={code!r:.30}", "POST", path,
                       {"auth": auth, "body": body, "key": "k-code"})  # fmt: skip
    for code in PATH_CODES:
        for path in (f"/v1/pos/cards/{quote(code, safe='')}",
                     f"/v1/pos/cards/{code}"):  # fmt: skip
            yield f"GET {path[:60]!r}", "GET", path, {"auth": "pos"}
        path = f"/v1/merchants/{mid}/cards/{quote(code, safe='')}/void"
        yield (f"POST {path[:70]!r}", "POST", path,
               {"auth": "admin", "body": {"reason": "x"}, "key": "k-void"})  # fmt: skip
    # (A control character in a header never reaches the app: gunicorn's own parser
    # answers 400 text/html. See notes/readme-bench.md.)
    for key in ("", "a b", "k" * 129, "ключ", "a\tb"):
        sent = {"auth": "pos", "body": redeem,
                "headers": {"Idempotency-Key": key.encode()}}  # fmt: skip
        yield f"Idempotency-Key {key!r:.20}", "POST", "/v1/pos/redemptions", sent


def located(receipt: dict[str, Any], location: str) -> dict[str, Any]:
    """The receipt at the merchant's business location (both places it names it)."""
    receipt["businessLocationId"] = receipt["account"]["businessLocationId"] = location
    return receipt


GOOD = {"amount": 1, "currency": "GBP", "account_id": "81", "name": "Hostile",
        "reason": "other", "note": "checked", "kind": "pos",
        "lightspeed_business_location_id": "990077001"}  # fmt: skip


def generated_requests(
    doc: dict[str, Any], merchant: Merchant, platform: str, code: str
) -> Iterator[tuple[str, str, str, Any]]:
    """(label, method, path, Api.send arguments): every hostile class in every
    field, query, header and path parameter of every operation of the document."""
    fill = {"merchant_id": str(merchant.merchant_id), "code": code,
            "hold_id": str(uuid.uuid4()), "redemption_id": str(uuid.uuid4()),
            "credential_id": str(uuid.uuid4()), "exception_id": str(uuid.uuid4()),
            "receipt_id": str(uuid.uuid4()),
            # Ids nobody has: a hostile DELETE must revoke no real device.
            "site_id": str(uuid.uuid4()), "device_id": str(uuid.uuid4())}  # fmt: skip
    for op in operations(doc):
        if op.path.startswith("/v1/pos"):
            auth = {"Authorization": f"Bearer {merchant.pos_token}"}
        elif op.path.startswith("/v1/webhooks"):
            auth = {"Authorization": f"Basic {merchant.webhook_basic}"}
        else:
            auth = {"Authorization": f"Bearer {platform}"}
        body: Any = None
        if op.path.startswith("/v1/webhooks"):
            body = located(payment_receipt("900000000002", code, 1), merchant.location)
        elif op.body is not None:
            good = {
                **GOOD,
                "card_code": code,
                "business_location_id": merchant.location,
            }
            body = {k: good[k] for k in op.body.get("properties", {}) if k in good}
        sweep = [*field_requests(op, op.path.format(**fill), body, auth),
                 *path_requests(op, fill, auth, body)]  # fmt: skip
        for sent in sweep:
            headers = dict(sent.headers)
            if sent.body is not None:
                headers["Content-Type"] = "application/json"
            sent_as = {"auth": "", "data": sent.body or b"", "headers": headers}
            yield sent.label, sent.method, sent.url(), sent_as


def _raw(auth: str, data: bytes, kind: str = "application/json") -> dict[str, Any]:
    return {
        "auth": auth,
        "data": data,
        "key": "k-raw",
        "headers": {"Content-Type": kind},
    }
