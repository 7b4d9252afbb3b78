"""The projector process killed in the middle of a batch, and stopped by SIGTERM.

The kill always lands inside a batch's transaction. On PostgreSQL it waits until
the projector's session holds a transaction id (it has written rows). On SQLite the
test freezes the projector (SIGSTOP) and probes the write lock: if the projector
holds it, the frozen process is mid-transaction and is killed there; if not, it is
thawed and probed again a moment later. More events are written if it ever reaches
the end first, so a loaded machine cannot make the kill miss.
"""

from __future__ import annotations

import os
import signal
import sqlite3
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


def holds_sqlite_write_lock(database_url: str) -> bool:
    """True while another connection holds the SQLite file's write transaction."""
    path = database_url.removeprefix("sqlite:///")
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()  # closing rolls the probe's empty transaction back
    return False


def kill_mid_batch(projector, database_url, engine, ledger, merchant_id) -> int:
    """SIGKILL the projector inside a batch's transaction; returns events added."""
    postgres = database_url.startswith("postgres")
    deadline = time.monotonic() + 60
    added = 0
    while time.monotonic() < deadline:
        position = projected_position(engine)
        if position == 0:
            time.sleep(0.005)
            continue
        if not postgres:
            projector.send_signal(signal.SIGSTOP)
        if postgres and writing_mid_batch(database_url):
            projector.send_signal(signal.SIGKILL)
            return added
        if not postgres and holds_sqlite_write_lock(database_url):
            projector.send_signal(signal.SIGKILL)
            return added
        if projected_position(engine) == ledger.recorder.max_notification_id():
            # It got to the end first (a loaded machine): give it more to do.
            prefix = f"MORE{added}-"
            added += seed_loads(ledger, merchant_id, cards=4, loads=300, prefix=prefix)
        if not postgres:
            projector.send_signal(signal.SIGCONT)
        time.sleep(0.002)
    raise AssertionError("never caught the projector inside a batch")


def activity_count(engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(LIVE.card_activity)
        return int(conn.execute(query).scalar_one())


def test_a_projector_killed_mid_batch_resumes_and_applies_each_event_once(
    ledger, database_url
):
    merchant = ledger.register_merchant("Bistro", "GBP")
    card_events = seed_loads(ledger, merchant.id, cards=24, loads=300)
    engine = engine_for(database_url)
    postgres = database_url.startswith("postgres")

    # SQLite's small batches leave many transactions for the kill to land in.
    batch = "2000" if postgres else "100"
    projector = start_projector(database_url, "--batch-size", batch)
    try:
        card_events += kill_mid_batch(
            projector, database_url, engine, ledger, merchant.id
        )
        projector.wait(timeout=10)
    finally:
        if projector.poll() is None:
            projector.kill()
    head = ledger.recorder.max_notification_id()
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
