"""The read API over the projections: activity, liability, read-your-writes, lag."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from projections.engines import make_engine
from projections.events import EventSource
from projections.runner import Projector
from service.app import create_app
from service.config import Config
from tests.e2e.support import (
    PLATFORM,
    MerchantSetup,
    created,
    issue_card,
    redemption_body,
    set_up_merchant,
)
from tests.integration.projection_helpers import engine_for

CODE = "7741229000510001"


@pytest.fixture
def app(config: Config) -> Iterator[Flask]:
    flask_app = create_app(replace(config, not_found_limit=100_000))
    flask_app.config["GIFTLEDGER_READ_WAIT_SECONDS"] = 0.3
    yield flask_app
    flask_app.extensions["giftledger.ledger"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def merchant(client: FlaskClient) -> MerchantSetup:
    return set_up_merchant(client, "Bistro", "GBP", "40570261078018")


def project(app: Flask, config: Config) -> int:
    """Run the projector over everything recorded so far."""
    engine = engine_for(config.database_url)
    try:
        ledger = app.extensions["giftledger.ledger"]
        return Projector(engine, EventSource(ledger)).catch_up()
    finally:
        engine.dispose()


def spend(client: FlaskClient, merchant: MerchantSetup) -> None:
    """A card issued at 50.00, redeemed twice, adjusted up and blocked."""
    issue_card(client, merchant, 5000, CODE, site_id=merchant.site_id)
    for key, amount in (("r1", 1200), ("r2", 300)):
        body = redemption_body(merchant, CODE, amount)
        headers = {**merchant.pos, "Idempotency-Key": key}
        created(client.post("/v1/pos/redemptions", json=body, headers=headers))
    path = f"{merchant.path}/cards/{CODE}"
    body = {"amount": 250, "reason": "complimentary", "note": "sorry"}
    created(client.post(f"{path}/adjustments", json=body, headers=merchant.admin))
    block = client.post(
        f"{path}/block", json={"reason": "lost"}, headers=merchant.admin
    )
    assert block.status_code == 200


def test_activity_pages_and_filters(client, app, config, merchant):
    spend(client, merchant)
    project(app, config)
    path = f"{merchant.path}/cards/{CODE}/activity"
    page = client.get(path, headers=merchant.admin)
    assert page.status_code == 200, page.json
    items = page.json["items"]
    assert [i["type"] for i in items] == [
        "issued", "redeemed", "redeemed", "adjusted", "blocked",
    ]  # fmt: skip
    assert [i["balance_after"] for i in items] == [5000, 3800, 3500, 3750, 3750]
    assert [i["balance_change"] for i in items] == [5000, -1200, -300, 250, 0]
    assert items[1]["idempotency_key"] == "r1" and items[1]["source"] == "pos"
    assert items[1]["site_id"] == merchant.site_id
    assert items[3]["reason"] == "complimentary" and items[3]["note"] == "sorry"
    assert items[4]["state_after"] == "blocked"
    assert {i["masked_code"] for i in items} == {"****0001"}
    assert page.json["next_cursor"] is None
    assert int(page.headers["X-Projection-Position"]) >= items[-1]["position"]

    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        answer = client.get(path, query_string=query, headers=merchant.admin).json
        seen += answer["items"]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert seen == items

    only = client.get(f"{path}?type=redeemed,adjusted", headers=merchant.admin).json
    assert [i["type"] for i in only["items"]] == ["redeemed", "redeemed", "adjusted"]
    repeated = client.get(f"{path}?type=blocked&type=issued", headers=merchant.admin)
    assert [i["type"] for i in repeated.json["items"]] == ["issued", "blocked"]

    third = datetime.fromisoformat(items[2]["recorded_at"])
    window = {"since": items[1]["recorded_at"], "until": third.isoformat()}
    between = client.get(path, query_string=window, headers=merchant.admin).json
    assert [i["position"] for i in between["items"]] == [items[1]["position"]]
    naive = third.astimezone(UTC).replace(tzinfo=None).isoformat()
    before = client.get(path, query_string={"until": naive}, headers=merchant.admin)
    assert len(before.json["items"]) == 2


@pytest.mark.parametrize(
    "query, field",
    [("type=spent", "type"), ("limit=0", "limit"), ("limit=501", "limit"),
     ("since=yesterday", "since"), ("cursor=%21%21", "cursor"),
     ("min_position=-1", "min_position")],
)  # fmt: skip
def test_a_bad_query_is_refused_before_any_look_up(client, merchant, query, field):
    answer = client.get(
        f"{merchant.path}/cards/NOSUCHCARD/activity?{query}", headers=merchant.admin
    )
    assert answer.status_code == 400
    assert answer.json["code"] == "invalid_request"
    assert field in answer.json["errors"]


def test_unknown_and_foreign_cards_are_not_found(client, app, config, merchant):
    issue_card(client, merchant, 1000, CODE)
    other = set_up_merchant(client, "Cafe", "GBP", "999")
    project(app, config)
    mine = client.get(f"{merchant.path}/cards/{CODE}/activity", headers=merchant.admin)
    assert mine.status_code == 200
    for who, path in ((other.admin, other.path), (PLATFORM, other.path)):
        answer = client.get(f"{path}/cards/{CODE}/activity", headers=who)
        assert answer.status_code == 404
        assert answer.json["code"] == "card_not_found"
    scoped = client.get(f"{merchant.path}/cards/{CODE}/activity", headers=other.admin)
    assert scoped.json["code"] == "merchant_not_found"
    pos = client.get(f"{merchant.path}/cards/{CODE}/activity", headers=merchant.pos)
    assert pos.status_code == 403


def test_a_read_waits_for_its_own_write(client, app, config, merchant):
    issue_card(client, merchant, 1000, CODE)
    project(app, config)
    body = redemption_body(merchant, CODE, 400)
    headers = {**merchant.pos, "Idempotency-Key": "late"}
    response = client.post("/v1/pos/redemptions", json=body, headers=headers)
    created(response)
    # The write answers with the log position it reached: the read waits for it.
    written = int(response.headers["X-Ledger-Position"])
    assert written == client.get("/readyz").json["position"]
    replay = client.post("/v1/pos/redemptions", json=body, headers=headers)
    assert "X-Ledger-Position" not in replay.headers  # a replay writes nothing
    path = f"{merchant.path}/cards/{CODE}/activity"
    stale = client.get(
        path, query_string={"min_position": written}, headers=merchant.admin
    )
    assert stale.status_code == 503
    assert stale.json["code"] == "service_unavailable" and stale.headers["Retry-After"]
    # Not projected yet, but the card exists: an empty page, never a 404.
    fresh_code = "7741229000510002"
    issue_card(client, merchant, 100, fresh_code)
    pending = client.get(
        f"{merchant.path}/cards/{fresh_code}/activity", headers=merchant.admin
    )
    assert pending.status_code == 200 and pending.json["items"] == []

    engine = make_engine(config.database_url, writer=True)
    projector = Projector(engine, EventSource(app.extensions["giftledger.ledger"]))
    stop = threading.Event()
    thread = threading.Thread(target=projector.run, args=(stop, 0.02))
    thread.start()
    try:
        app.config["GIFTLEDGER_READ_WAIT_SECONDS"] = 10
        header = {**merchant.admin, "X-Min-Position": str(written)}
        answer = client.get(path, headers=header)
    finally:
        stop.set()
        thread.join(timeout=10)
        engine.dispose()
    assert answer.status_code == 200
    assert [i["balance_after"] for i in answer.json["items"]] == [1000, 600]


def test_liability_now_as_of_and_per_site(client, app, config, merchant):
    spend(client, merchant)
    body = {"amount": 900, "currency": "GBP", "code": "ADMIN0001"}
    created(client.post(f"{merchant.path}/cards", json=body, headers=PLATFORM))
    project(app, config)
    items = client.get(f"{merchant.path}/cards/{CODE}/activity", headers=merchant.admin)
    after_first_redemption = items.json["items"][1]["recorded_at"]

    now = client.get(f"{merchant.path}/liability", headers=merchant.admin)
    assert now.status_code == 200, now.json
    assert now.json["totals"] == [{"currency": "GBP", "outstanding": 3750 + 900}]
    assert sorted(now.json["sites"], key=lambda s: s["outstanding"]) == [
        {"site_id": None, "currency": "GBP", "outstanding": 900},
        {"site_id": merchant.site_id, "currency": "GBP", "outstanding": 3750},
    ]
    past = client.get(
        f"{merchant.path}/liability", query_string={"as_of": after_first_redemption},
        headers=merchant.admin,
    )  # fmt: skip
    assert past.json["totals"] == [{"currency": "GBP", "outstanding": 3800}]
    assert past.json["as_of"].startswith(after_first_redemption[:19])
    site = client.get(f"{merchant.path}/liability?site_id={merchant.site_id}",
                      headers=merchant.admin)  # fmt: skip
    assert site.json["totals"] == [{"currency": "GBP", "outstanding": 3750}]
    early = client.get(f"{merchant.path}/liability?as_of=2000-01-01T00:00:00Z",
                       headers=merchant.admin)  # fmt: skip
    assert early.json["totals"] == [] and early.json["sites"] == []

    unknown = client.get(
        f"{merchant.path}/liability?site_id=nowhere", headers=merchant.admin
    )
    assert unknown.status_code == 400 and "site_id" in unknown.json["errors"]
    missing = "/v1/merchants/00000000-0000-0000-0000-000000000000/liability"
    assert client.get(missing, headers=PLATFORM).json["code"] == "merchant_not_found"


def test_metrics_and_readiness_show_the_projector_lag(client, app, config, merchant):
    issue_card(client, merchant, 1000, CODE)
    ready = client.get("/readyz").json
    assert ready["projector"]["events_behind"] == ready["position"] > 0
    assert ready["projector"]["seconds_behind"] >= 0
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.mimetype == "text/plain"
    text = metrics.get_data(as_text=True)
    assert f"giftledger_projector_events_behind {float(ready['position'])}" in text
    assert "giftledger_projector_seconds_behind" in text
    assert "giftledger_store_up 1.0" in text

    project(app, config)
    ready = client.get("/readyz").json
    assert ready["projector"] == {
        "position": ready["position"], "head": ready["position"],
        "events_behind": 0, "seconds_behind": 0.0, "state": "following",
        "failure": None,
    }  # fmt: skip
    text = client.get("/metrics").get_data(as_text=True)
    assert "giftledger_projector_events_behind 0.0" in text
    assert "giftledger_projector_failed 0.0" in text
