"""Input that used to be accepted, or to answer 500, and headers that leaked."""

from __future__ import annotations

import json
import logging
import threading
import uuid

import pytest

from domain.errors import BusinessLocationTaken, InvalidRequest
from tests.e2e.support import PLATFORM, created, issue_card, redemption_body
from tests.lightspeed_support import LOCATION, payment, receipt, set_up_webhook

JSON = "application/json"


def _balance(client, merchant, code):
    return created(client.get(f"/v1/pos/cards/{code}", headers=merchant.pos), 200)[
        "balance"
    ]


def _position(app):
    return app.extensions["giftledger.ledger"].recorder.max_notification_id() or 0


def _refused(answer, status=400):
    assert answer.status_code == status, (answer.status_code, answer.data[:300])
    assert answer.mimetype == "application/problem+json"
    return answer.json


# --- 500s --------------------------------------------------------------------


def test_the_issues_500s_are_400s_and_write_nothing(app, client, merchant):
    code = issue_card(client, merchant, 5000)
    before = _position(app)
    deep = ('{"card_code": ' + "[" * 10_000 + "]" * 10_000 + "}").encode()
    # A lone surrogate in account_id reached domain/origin.py's sha256 (500).
    sent = [deep] + [
        json.dumps({**redemption_body(merchant, code, 1), "account_id": text}).encode()
        for text in ("\ud800", "a\udfffb", "nul\x00")
    ]
    for body in sent:
        answer = client.post(
            "/v1/pos/holds", data=body, content_type=JSON, headers=merchant.pos
        )
        _refused(answer)
    answer = client.post(
        "/v1/pos/redemptions", data=deep, content_type=JSON, headers=merchant.pos
    )
    assert "nested deeper" in _refused(answer)["detail"]
    assert _position(app) == before
    assert _balance(client, merchant, code) == 5000


@pytest.mark.parametrize("header", ["\u00b2", "\u0663", "\uff11", " 1", "1 ", "+1"])
def test_x_min_position_takes_ascii_digits_only(client, merchant, header):
    code = issue_card(client, merchant, 5000)
    url = f"{merchant.path}/cards/{code}/activity"
    answer = client.get(url, headers={**PLATFORM, "X-Min-Position": header})
    assert _refused(answer)["errors"] == {"X-Min-Position": ["not a number"]}


# --- accepted but should not be -----------------------------------------------


def test_a_card_code_with_a_trailing_newline_is_no_code(client, merchant):
    body = {"amount": 100, "currency": "GBP", "code": "NEWLINE1\n"}
    answer = client.post(f"{merchant.path}/cards", json=body, headers=PLATFORM)
    assert "code" in _refused(answer)["errors"]
    issue_card(client, merchant, 100, code="NEWLINE1")
    _refused(client.get("/v1/pos/cards/NEWLINE1%0A", headers=merchant.pos))
    spend = redemption_body(merchant, "NEWLINE1\n", 1)
    _refused(client.post("/v1/pos/redemptions", json=spend, headers=merchant.pos))
    assert _balance(client, merchant, "NEWLINE1") == 100


def test_a_field_given_twice_is_refused_not_resolved(app, client, merchant):
    code = issue_card(client, merchant, 5000)
    before = _position(app)
    good = json.dumps(redemption_body(merchant, code, 1))
    body = good[:-1] + ', "amount": 5}'
    answer = client.post(
        "/v1/pos/redemptions", data=body, content_type=JSON, headers=merchant.pos
    )
    assert _refused(answer)["errors"] == {
        "amount": ["given more than once in one object"]
    }
    assert _position(app) == before


def test_the_webhook_refuses_a_field_given_twice(app):
    hook = set_up_webhook(app)
    hook.issue("GIFT0001", 5000)
    text = json.dumps(
        receipt(7001, payments=[payment(1, "10.00", reference="GIFT0001")])
    )
    before = hook.position()
    twice = text.replace('"amount": 10', '"amount": 10, "amount": 1', 1)
    assert twice != text
    _refused(hook.post(twice.encode()))
    assert hook.position() == before
    assert hook.balance("GIFT0001") == 5000


def test_the_webhook_refuses_two_business_locations(app):
    hook = set_up_webhook(app)
    hook.issue("GIFT0002", 5000)
    body = receipt(7002, payments=[payment(1, "10.00", reference="GIFT0002")])
    body["account"]["businessLocationId"] = 999
    before = hook.position()
    errors = _refused(hook.post(body))["errors"]
    assert errors == {"account.businessLocationId": ["differs from businessLocationId"]}
    assert hook.position() == before
    del body["businessLocationId"]
    body["account"]["businessLocationId"] = int(LOCATION)
    assert hook.close(body)["outcomes"]  # one of them alone names the site


def test_the_webhook_refuses_amounts_sent_as_strings(app):
    hook = set_up_webhook(app)
    hook.issue("GIFT0003", 5000)
    body = receipt(7003, payments=[payment(1, "10.00", reference="GIFT0003")])
    body["account"]["paymentLines"][0]["amount"] = "10.00"
    before = hook.position()
    errors = _refused(hook.post(body))["errors"]
    assert errors == {
        "account.paymentLines.0.amount": ["must be a JSON number, not a string"]
    }
    assert hook.position() == before


def test_a_business_location_belongs_to_one_merchant(client, merchant):
    other = created(
        client.post(
            "/v1/merchants", json={"name": "Other", "currency": "GBP"}, headers=PLATFORM
        )
    )["merchant_id"]
    site = {"name": "Copy", "lightspeed_business_location_id": merchant.location_id}
    answer = client.post(f"/v1/merchants/{other}/sites", json=site, headers=PLATFORM)
    assert _refused(answer, 409)["code"] == "business_location_taken"
    again = client.post(f"{merchant.path}/sites", json=site, headers=PLATFORM)
    assert _refused(again)["code"] == "invalid_request"  # its own: already a site


def _race(ledger, merchants, location):
    """Every merchant adds the location at once; who won, what the others got."""
    start = threading.Barrier(len(merchants))
    won: list[uuid.UUID] = []
    lost: list[type] = []

    def add(mid: uuid.UUID) -> None:
        start.wait()
        try:
            ledger.add_site(mid, "Race", location)
            won.append(mid)
        except (BusinessLocationTaken, InvalidRequest) as error:
            lost.append(type(error))

    threads = [threading.Thread(target=add, args=(m,)) for m in merchants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, lost


def test_two_merchants_racing_for_a_location_one_wins(app):
    ledger = app.extensions["giftledger.ledger"]
    merchants = [ledger.register_merchant(f"M{i}", "GBP").id for i in range(4)]
    for round_ in range(5):
        location = f"RACE-{round_}"
        won, lost = _race(ledger, merchants, location)
        assert len(won) == 1 and lost == [BusinessLocationTaken] * 3
        owners = [
            m
            for m in merchants
            if ledger.merchant(m).site_for_location(location, default=None)
        ]
        assert owners == won


# --- headers and leaks ------------------------------------------------------------


def test_answers_showing_a_code_or_a_secret_are_never_stored(client, merchant):
    issued = client.post(
        f"{merchant.path}/cards",
        json={"amount": 100, "currency": "GBP"},
        headers=PLATFORM,
    )
    assert issued.status_code == 201 and issued.json["code"]
    credential = client.post(
        f"{merchant.path}/credentials", json={"kind": "pos"}, headers=PLATFORM
    )
    for answer in (issued, credential):
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_every_answer_is_nosniff_and_a_405_says_what_is_allowed(client, merchant):
    for answer in (
        client.get("/healthz"),
        client.get("/v1/nowhere"),
        client.get("/v1/pos/cards/ABCD1234"),
    ):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    wrong = client.delete("/v1/pos/redemptions", headers=merchant.pos)
    assert _refused(wrong, 405)["code"] == "method_not_allowed"
    assert "POST" in wrong.headers["Allow"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/pos/cards/SECRETCODE1234/",
        "//v1/pos/cards/SECRETCODE1234",
        "/v1//pos/cards/SECRETCODE1234",
        "/v1/merchants/",
        "/healthz/",
    ],
)
def test_no_path_is_redirected_anywhere(client, merchant, path):
    answer = client.get(path, headers={**merchant.pos, "Host": "evil.example"})
    assert answer.status_code < 300 or answer.status_code >= 400, answer.headers
    assert "Location" not in answer.headers
    assert b"SECRETCODE" not in answer.data
    if answer.status_code >= 400:
        assert answer.mimetype == "application/problem+json"


class Lines(logging.Handler):
    """Keeps the access log's records."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.paths.append(record.fields["path"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/pos/Cards/7741229000510001",
        "/v1/pos/card/7741229000510001",
        "/v1/pos/cards/7741229000510001",
        "/v1/pos/7741229000510001",
        "/7741229000510001/balance",
    ],
)
def test_a_code_in_any_logged_path_is_masked(client, merchant, path):
    lines = Lines()
    access = logging.getLogger("giftledger.access")
    access.addHandler(lines)
    try:
        client.get(path, headers=merchant.pos)
    finally:
        access.removeHandler(lines)
    assert lines.paths and all("7741229000510001" not in p for p in lines.paths)
    assert all("****0001" in p for p in lines.paths)
