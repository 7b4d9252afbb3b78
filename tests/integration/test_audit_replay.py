"""`audit replay`: a card's or a merchant's history from the events, on both stores."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime

import pytest

from domain.origin import Origin
from projections import queries
from projections.events import EventSource
from projections.replay import replay_merchant
from scripts import audit_replay
from tests.integration.projection_helpers import catch_up, engine_for

LOCATION = "40570261078018"
CODE, OTHER = "7741229000510001", "7741229000519999"


def pos(key: str | None = None) -> Origin:
    return Origin(source="pos", actor="till-1", idempotency_key=key)


@pytest.fixture
def history(ledger, monkeypatch, database_url):
    """Two cards of one merchant and a card of another; a moment in between."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    bistro = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(bistro.id, "Main", LOCATION)
    ledger.issue_card(bistro.id, CODE, 5000, "GBP", None, pos("sale"))
    ledger.redeem(bistro.id, CODE, 1250, "GBP", LOCATION, None, pos("r1"))
    ledger.issue_card(bistro.id, OTHER, 2000, "GBP", None, pos("sale2"))
    time.sleep(0.02)
    middle = datetime.now(UTC)
    time.sleep(0.02)
    hold = ledger.place_hold(bistro.id, CODE, 700, "GBP", LOCATION, "A9", pos("h"))
    ledger.capture_hold(bistro.id, hold.ref, None, pos("c"))
    ledger.adjust(bistro.id, OTHER, 500, "complimentary", "", Origin(source="admin"))
    cafe = ledger.register_merchant("Cafe", "GBP")
    ledger.issue_card(cafe.id, CODE, 999, "GBP", None, Origin(source="admin"))
    return bistro.id, cafe.id, middle


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = audit_replay.main(list(argv), out=out)
    return status, out.getvalue()


def test_a_card_replays_as_a_table_with_the_balance_after_each_event(history):
    bistro, _, _ = history
    status, text = run("--merchant", str(bistro), "--code", CODE)
    assert status == 0
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["recorded_at", "ver", "type", "amount"]
    kinds = [line.split()[3] for line in lines[1:5]]
    assert kinds == ["issued", "redeemed", "hold_placed", "hold_captured"]
    # Money in major units: 50.00 issued, 12.50 redeemed, 7.00 held and captured.
    assert lines[2].split()[4:8] == ["12.50", "-12.50", "37.50", "0.00"]
    assert lines[4].split()[4:8] == ["7.00", "-7.00", "30.50", "0.00"]
    assert "  ****0001  GBP  balance 30.50  held 0.00  active  version 4" in text
    assert "outstanding GBP 30.50 over 1 card(s)" in text
    assert CODE not in text, "a full card code never appears"


def test_json_lines_and_csv_carry_integer_minor_units(history, ledger):
    bistro, _, _ = history
    status, text = run("--merchant", str(bistro), "--code", CODE, "--format", "jsonl")
    assert status == 0
    rows = [json.loads(line) for line in text.splitlines()]
    assert [r["balance_after"] for r in rows] == [5000, 3750, 3750, 3050]
    assert rows[-1]["balance_after"] == ledger.card(bistro, CODE).balance
    assert rows[1]["idempotency_key"] == "r1" and rows[1]["site_id"]
    assert all(isinstance(r["amount"], int) for r in rows)
    assert rows[0]["recorded_at"].endswith("+00:00")

    status, text = run("--merchant", str(bistro), "--code", CODE, "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [r["type"] for r in parsed] == [r["type"] for r in rows]
    assert [int(r["delta"]) for r in parsed] == [5000, -1250, 0, -700]


def test_as_of_gives_the_state_at_that_moment(history, ledger, database_url):
    bistro, _, middle = history
    status, text = run(
        "--merchant", str(bistro), "--code", CODE, "--as-of", middle.isoformat(),
        "--format", "jsonl",
    )  # fmt: skip
    assert status == 0
    assert [json.loads(line)["type"] for line in text.splitlines()] == [
        "issued",
        "redeemed",
    ]
    # The merchant's liability as of the moment equals the balances replayed to it.
    then = replay_merchant(EventSource(ledger), bistro, middle)
    assert then.totals() == {"GBP": 3750 + 2000}
    now = replay_merchant(EventSource(ledger), bistro)
    assert now.totals() == {"GBP": 3050 + 2500}
    engine = engine_for(database_url)
    catch_up(engine, ledger)
    with engine.connect() as conn:
        past = queries.liability(conn, str(bistro), as_of=middle)
        current = queries.liability(conn, str(bistro))
    assert sum(r["outstanding"] for r in past) == 5750
    assert sum(r["outstanding"] for r in current) == 5550


def test_a_whole_merchant_replays_in_log_order(history):
    bistro, cafe, _ = history
    status, text = run("--merchant", str(bistro))
    assert status == 0
    assert text.splitlines()[0].split()[0] == "card"
    assert "****0001" in text and "****9999" in text
    assert "outstanding GBP 55.50 over 2 card(s)" in text
    status, text = run("--merchant", str(cafe), "--format", "jsonl")
    assert [json.loads(line)["balance_after"] for line in text.splitlines()] == [999]


def test_an_unknown_card_or_another_merchants_card_is_not_found(
    history, capsys, monkeypatch
):
    bistro, cafe, _ = history
    assert run("--merchant", str(bistro), "--code", "NOPE0000")[0] == 2
    assert run("--merchant", str(cafe), "--code", OTHER)[0] == 2
    assert "no card with that code" in capsys.readouterr().err
    # The code can come from stdin, so it stays out of the process list.
    monkeypatch.setattr("sys.stdin", io.StringIO(OTHER + "\n"))
    status, text = run("--merchant", str(bistro), "--code", "-")
    assert status == 0 and "****9999" in text
