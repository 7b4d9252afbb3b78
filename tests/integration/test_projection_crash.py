"""The projector process killed in the middle of a batch, and stopped by SIGTERM.

On PostgreSQL the kill waits until the projector's transaction has written rows
(pg_stat_activity shows a transaction id for its session), so it lands mid-batch.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy import func, select

from projections.events import EventSource
from projections.schema import read_models
from projections.status import projected_position
from projections.verify import verify
from tests.integration.projection_helpers import engine_for, seed_loads

ROOT = Path(__file__).resolve().parents[2]
LIVE = read_models()


def start_projector(database_url: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "scripts.run_projector", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def writing_mid_batch(database_url: str) -> bool:
    """True while the projector's session holds a transaction that wrote rows."""
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND application_name = 'giftledger-projections' "
        "AND backend_xid IS NOT NULL"
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(query).fetchone()
        return bool(row and row[0])


def activity_count(engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(LIVE.card_activity)
        return int(conn.execute(query).scalar_one())


def test_a_projector_killed_mid_batch_resumes_and_applies_each_event_once(
    ledger, database_url
):
    merchant = ledger.register_merchant("Bistro", "GBP")
    card_events = seed_loads(ledger, merchant.id, cards=24, loads=300)
    head = ledger.recorder.max_notification_id()
    engine = engine_for(database_url)
    postgres = database_url.startswith("postgres")

    # On SQLite nothing shows a batch in flight, so small batches leave the kill
    # dozens of batches to land in (with 2000 it could miss the whole run).
    batch = "2000" if postgres else "100"
    projector = start_projector(database_url, "--batch-size", batch)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            started = projected_position(engine) > 0
            if started and (not postgres or writing_mid_batch(database_url)):
                break
            time.sleep(0.005)
        else:
            raise AssertionError("the projector never got going")
        projector.send_signal(signal.SIGKILL)
        projector.wait(timeout=10)
    finally:
        if projector.poll() is None:
            projector.kill()
    killed_at = projected_position(engine)
    assert 0 < killed_at < head, "the kill must land before the end"
    # Nothing of the interrupted batch is visible: rows and position agree.
    assert verify(engine, LIVE, EventSource(ledger)).ok

    restarted = start_projector(database_url, "--once")
    output, _ = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, output.decode()
    assert projected_position(engine) == head
    assert activity_count(engine) == card_events
    report = verify(engine, LIVE, EventSource(ledger))
    assert report.ok, report.differences[:5]
    assert report.events == card_events


def test_sigterm_stops_the_projector_cleanly(ledger, database_url):
    merchant = ledger.register_merchant("Bistro", "GBP")
    seed_loads(ledger, merchant.id, cards=2, loads=50)
    engine = engine_for(database_url)
    projector = start_projector(database_url, "--poll-interval", "0.05")
    try:
        deadline = time.monotonic() + 30
        head = ledger.recorder.max_notification_id()
        while projected_position(engine) < head and time.monotonic() < deadline:
            time.sleep(0.05)
        assert projected_position(engine) == head
        seed_loads(ledger, merchant.id, cards=1, loads=10, prefix="LATE")
        head = ledger.recorder.max_notification_id()
        while projected_position(engine) < head and time.monotonic() < deadline:
            time.sleep(0.05)
        assert projected_position(engine) == head, "it follows new events"
        projector.send_signal(signal.SIGTERM)
        output, _ = projector.communicate(timeout=15)
    finally:
        if projector.poll() is None:
            projector.kill()
    assert projector.returncode == 0, output.decode()
    assert f"stopped at position {head}" in output.decode()
