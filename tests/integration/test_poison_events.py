"""Events an old store may hold that the ledger refuses today, and one no view takes.

Dates outside the range (year 0 and year 10000 once in UTC) are applied by the
projector, the rebuild, `audit replay` and `audit verify`. An event no view can
apply stops the projector right before it, recorded with its position for
/readyz, /metrics and `audit verify`; the rebuild and the replay stop with one
line naming the position, never a traceback.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from domain.origin import Origin
from projections.events import EventSource
from projections.failure import ProjectionFailed, failed_position
from projections.runner import Projector
from projections.status import projected_position
from scripts import audit_replay, audit_verify, rebuild_projections
from tests.integration.projection_helpers import card_rows, catch_up, dump, engine_for
from tests.poison_events import (
    YEAR_0,
    YEAR_10000,
    store_card_expiring,
    store_unappliable,
)

ORIGIN = Origin(source="admin", actor="test")


@pytest.fixture
def env(monkeypatch, database_url):
    """The scripts read DATABASE_URL like the real commands do."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def test_out_of_range_dates_in_an_old_store_are_applied_everywhere(ledger, env, capsys):
    merchant = ledger.register_merchant("Old", "GBP")
    store_card_expiring(ledger, merchant.id, "NEVER-01", YEAR_10000)
    store_card_expiring(ledger, merchant.id, "LONGAGO1", YEAR_0)
    engine = engine_for(env)
    assert catch_up(engine, ledger) == ledger.recorder.max_notification_id()
    expiries = sorted(r["expires_at"] for r in card_rows(engine).values())
    assert expiries == [datetime.min, datetime.max]  # the nearest representable
    before = dump(engine)
    assert rebuild_projections.main(["--no-progress"]) == 0
    assert dump(engine) == before
    assert audit_verify.main(["--no-progress"]) == 0
    assert "OK:" in capsys.readouterr().out
    assert audit_replay.main(["--merchant", str(merchant.id), "--format", "jsonl"]) == 0
    assert capsys.readouterr().out.count('"type": "issued"') == 2


def test_an_unappliable_event_stops_the_projector_right_before_it(ledger, env, capsys):
    merchant = ledger.register_merchant("Broken", "GBP")
    ledger.issue_card(merchant.id, "GOOD-001", 500, "GBP", None, ORIGIN)
    poison = store_unappliable(ledger, merchant.id, "BAD-0001")
    ledger.issue_card(merchant.id, "GOOD-002", 500, "GBP", None, ORIGIN)
    engine = engine_for(env)
    projector = Projector(engine, EventSource(ledger))
    with pytest.raises(ProjectionFailed) as failed:
        projector.run(threading.Event())
    assert failed.value.position == poison
    assert "Issued of" in failed.value.event and "TypeError" in failed.value.error
    # Everything before it is applied; the failure is recorded for other nodes.
    assert projected_position(engine) == poison - 1
    assert failed_position(engine) == poison

    capsys.readouterr()
    assert audit_verify.main(["--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "NOT OK" in out and f"stopped at position {poison}" in out
    assert "event(s) behind the log" in out

    before = dump(engine)
    assert rebuild_projections.main(["--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"NOT rebuilt: cannot apply the event at position {poison}" in err
    assert "Traceback" not in err
    assert dump(engine) == before  # nothing swapped

    assert audit_replay.main(["--merchant", str(merchant.id), "--format", "csv"]) == 1
    err = capsys.readouterr().err
    assert f"stopped: cannot apply the event at position {poison}" in err
    assert len(err.strip().splitlines()) == 1
