"""Lightspeed receipts in the projections: receipt_exceptions and RTN activity."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask
from sqlalchemy import select

from projections.events import EventSource
from projections.schema import read_models
from projections.verify import verify
from scripts import rebuild_projections
from service.app import create_app
from tests.integration.projection_helpers import catch_up, dump, engine_for
from tests.lightspeed_support import payment, receipt, sale, set_up_webhook

LIVE = read_models()
CODE = "7741229000510001"


@pytest.fixture
def app(config) -> Iterator[Flask]:
    flask_app = create_app(replace(config, not_found_limit=100_000))
    yield flask_app
    flask_app.extensions["giftledger.ledger"].close()


def test_receipt_exceptions_and_rtn_activity_are_projected(app, config, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", config.database_url)
    hook = set_up_webhook(app)
    ledger = hook.ledger
    sold = hook.close(receipt(101, lines=[sale(1, "50.00")], references=[CODE]))
    assert [o["result"] for o in sold["outcomes"]] == ["applied"]
    paid = hook.close(receipt(102, payments=[payment(1, "20.00", reference=CODE)]))
    assert [o["result"] for o in paid["outcomes"]] == ["applied"]
    for account, code in ((103, "UNKNOWN0001"), (104, "UNKNOWN0002")):
        missed = hook.close(
            receipt(account, payments=[payment(1, "5.00", reference=code)])
        )
        assert [o["code"] for o in missed["outcomes"]] == ["card_not_found"]
    overdrawn = hook.close(receipt(105, payments=[payment(1, "99.00", reference=CODE)]))
    assert [o["code"] for o in overdrawn["outcomes"]] == ["insufficient_funds"]
    listed = ledger.receipt_exceptions(hook.merchant_id)
    ledger.resolve_receipt_exception(
        hook.merchant_id, listed[-1]["exception_id"], "refunded in cash", "support"
    )

    engine = engine_for(config.database_url)
    catch_up(engine, ledger, batch_size=3)
    with engine.connect() as conn:
        rows = conn.execute(select(LIVE.receipt_exceptions)).mappings().all()
        activity = (
            conn.execute(
                select(LIVE.card_activity).order_by(LIVE.card_activity.c.position)
            )
            .mappings()
            .all()
        )
    projected = {r["exception_id"]: r for r in rows}
    expected = {
        e["exception_id"]: e for e in ledger.receipt_exceptions(hook.merchant_id)
    }
    assert set(projected) == set(expected) and len(projected) == 3
    for exception_id, entry in expected.items():
        row = projected[exception_id]
        assert row["merchant_id"] == str(hook.merchant_id)
        assert (row["status"], row["code"], row["amount"]) == (
            entry["status"], entry["code"], entry["amount"],
        )  # fmt: skip
        assert row["resolution_note"] == entry.get("resolution_note")
    assert sorted(r["status"] for r in rows) == ["open", "open", "resolved"]

    assert [(a["type"], a["source"]) for a in activity] == [
        ("issued", "lightspeed_rtn"), ("redeemed", "lightspeed_rtn"),
    ]  # fmt: skip
    assert activity[1]["balance_after"] == 3000
    assert activity[0]["receipt_id"] and activity[1]["receipt_id"]
    assert activity[0]["site_id"] is not None

    assert verify(engine, LIVE, EventSource(ledger)).ok
    before = dump(engine)
    assert rebuild_projections.main(["--no-progress"]) == 0
    assert dump(engine) == before
