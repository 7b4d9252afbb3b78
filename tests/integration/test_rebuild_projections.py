"""`projections rebuild` and `audit verify` against SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from domain.origin import Origin
from projections.events import EventSource
from projections.rebuild import prepare_fresh, swap
from projections.runner import Projector
from projections.schema import REBUILD, read_models
from projections.status import projected_position
from projections.verify import verify
from scripts import audit_verify, rebuild_projections
from tests.integration.projection_helpers import (
    card_rows,
    catch_up,
    dump,
    engine_for,
    seed_loads,
)
from tests.integration.test_projection_runner import narrative

LIVE = read_models()


@pytest.fixture
def env(monkeypatch, database_url):
    """The scripts read DATABASE_URL like the real commands do."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def test_a_rebuild_gives_identical_tables_and_verifies(ledger, env, clock, capsys):
    narrative(ledger, clock)
    merchant = ledger.register_merchant("Bulk", "GBP")
    seed_loads(ledger, merchant.id, cards=5, loads=30)
    engine = engine_for(env)
    catch_up(engine, ledger, batch_size=17)
    before = dump(engine)

    assert rebuild_projections.main(["--no-progress", "--batch-size", "50"]) == 0
    out = capsys.readouterr().out
    assert "verified against the events and swapped in" in out
    assert dump(engine) == before
    assert projected_position(engine) == ledger.recorder.max_notification_id()
    # Twice: the first swap left no fresh table or index name behind.
    assert rebuild_projections.main(["--no-progress"]) == 0
    assert audit_verify.main(["--no-progress"]) == 0
    assert "OK:" in capsys.readouterr().out


def test_audit_verify_names_each_corrupted_row(ledger, env, clock, capsys):
    bistro, _, _, _ = narrative(ledger, clock)
    engine = engine_for(env)
    catch_up(engine, ledger)
    card = next(
        r for r in card_rows(engine).values() if r["merchant_id"] == str(bistro)
    )
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE card_balances SET balance = balance + 1 WHERE card_id = :c"),
            {"c": card["card_id"]},
        )
        conn.execute(
            text("DELETE FROM card_activity WHERE position = (SELECT MAX(position) "
                 "FROM card_activity WHERE type = 'redeemed')")
        )  # fmt: skip
        conn.execute(text("UPDATE liability SET outstanding = 0"))

    assert audit_verify.main(["--no-progress"]) == 1
    out = capsys.readouterr().out
    assert (
        f"card_balances card ****0001 ({card['card_id']}): balance is "
        f"{card['balance'] + 1} in the projection but {card['balance']} from the events"
    ) in out
    assert "card_activity position" in out and "row is '<missing>'" in out
    assert f"liability merchant {bistro} site - GBP: outstanding is 0" in out
    assert "MISMATCH" in out

    # The operator's fix: rebuild from the events.
    assert rebuild_projections.main(["--no-progress"]) == 0
    assert audit_verify.main(["--no-progress"]) == 0


def test_a_rebuild_while_the_projector_runs_loses_nothing(ledger, env):
    merchant = ledger.register_merchant("Bistro", "GBP")
    seed_loads(ledger, merchant.id, cards=4, loads=100)
    engine = engine_for(env)
    projector = Projector(engine, EventSource(ledger), batch_size=64)
    stop = threading.Event()
    thread = threading.Thread(target=projector.run, args=(stop, 0.02))
    thread.start()
    writer_done = threading.Event()

    def keep_writing() -> None:
        for n in range(8):
            seed_loads(ledger, merchant.id, cards=1, loads=20, prefix=f"W{n}-")
        writer_done.set()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert rebuild_projections.main(["--no-progress", "--batch-size", "40"]) == 0
        writer.join(timeout=60)
        assert writer_done.is_set()
        head = ledger.recorder.max_notification_id()
        deadline = time.monotonic() + 30
        while projected_position(engine) < head and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert projected_position(engine) == head
    report = verify(engine, LIVE, EventSource(ledger))
    assert report.ok, report.differences[:5]
    assert len(card_rows(engine)) == 12


def test_an_idle_projector_catches_up_after_a_swap_puts_it_behind(ledger, env):
    """A rebuild can swap in tables behind the running projector (it built while
    the projector went on). With no new event to show it, the projector must
    still notice, and apply again what the swap took back."""
    merchant = ledger.register_merchant("Bistro", "GBP")
    seed_loads(ledger, merchant.id, cards=3, loads=40)
    engine = engine_for(env)
    source = EventSource(ledger)
    prepare_fresh(engine)
    behind = Projector(engine, source, suffix=REBUILD).catch_up(upto=50)
    head = ledger.recorder.max_notification_id()
    projector = Projector(engine, source, batch_size=64)
    stop = threading.Event()
    thread = threading.Thread(target=projector.run, args=(stop, 0.02))
    thread.start()
    try:
        _wait_for(lambda: projected_position(engine) == head)
        assert swap(engine) == behind == 50  # the live views are now at 50
        _wait_for(lambda: projected_position(engine) == head)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert projected_position(engine) == head
    report = verify(engine, LIVE, source)
    assert report.ok, report.differences[:5]


def _wait_for(condition, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_a_rebuild_brings_an_old_table_layout_up_to_date(ledger, env):
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.issue_card(merchant.id, "CARD0001", 900, "GBP", None, Origin(source="admin"))
    engine = engine_for(env)
    catch_up(engine, ledger)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE card_balances DROP COLUMN site_id"))
    assert rebuild_projections.main(["--no-progress"]) == 0
    assert [r["balance"] for r in card_rows(engine).values()] == [900]
    # A swap with nothing rebuilt beside it is refused by the database, not silent.
    with pytest.raises(Exception, match=REBUILD):
        swap(engine)
    assert [r["balance"] for r in card_rows(engine).values()] == [900]
