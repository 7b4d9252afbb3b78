"""`audit verify` says how far behind the log the projections are; behind is not OK."""

from __future__ import annotations

import json

from domain.origin import Origin
from projections.status import projected_position
from scripts import audit_verify
from tests.integration.projection_helpers import catch_up, engine_for

ORIGIN = Origin(source="admin", actor="test")


def test_audit_verify_reports_the_lag(ledger, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    merchant = ledger.register_merchant("Lagging", "GBP")
    ledger.issue_card(merchant.id, "LAG-0001", 500, "GBP", None, ORIGIN)
    engine = engine_for(database_url)
    catch_up(engine, ledger)
    assert audit_verify.main(["--no-progress"]) == 0
    assert "OK: " in capsys.readouterr().out

    for n in range(3):  # written after the projector's last batch
        ledger.issue_card(merchant.id, f"LAG-100{n}", 500, "GBP", None, ORIGIN)
    behind = ledger.recorder.max_notification_id() - projected_position(engine)
    assert behind >= 3
    assert audit_verify.main(["--no-progress"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("NOT OK: ") and f"{behind} event(s) behind the log" in out
    assert audit_verify.main(["--no-progress", "--max-lag", str(behind)]) == 0
    capsys.readouterr()
    assert audit_verify.main(["--no-progress", "--json"]) == 1
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["ok"] is False and summary["lag"]["events_behind"] == behind
    assert summary["failure"] is None

    catch_up(engine, ledger)
    assert audit_verify.main(["--no-progress"]) == 0
