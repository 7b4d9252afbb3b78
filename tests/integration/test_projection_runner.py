"""The projector on SQLite and PostgreSQL: catch-up, exactly once, following, lag."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from sqlalchemy import func, select

from domain.ledger import Ledger
from domain.origin import Origin
from projections.events import EventSource
from projections.runner import Projector
from projections.schema import read_models
from projections.status import projected_position, projector_lag
from projections.tracking import PositionMoved, Tracking
from projections.verify import verify
from service.config import Config, ledger_env
from tests.conftest import reset_postgres
from tests.integration.projection_helpers import (
    card_rows,
    catch_up,
    dump,
    engine_for,
    seed_loads,
)

LOCATION = "40570261078018"
LIVE = read_models()


def pos(key: str | None = None) -> Origin:
    return Origin(source="pos", actor="till-1", idempotency_key=key)


def narrative(ledger: Ledger, clock) -> tuple:
    """A card through every kind of event, and a second merchant's card."""
    bistro = ledger.register_merchant("Bistro", "GBP")
    site = ledger.add_site(bistro.id, "Main", LOCATION)
    card = "7741229000510001"
    ledger.issue_card(bistro.id, card, 5000, "GBP", None, pos("sale"))
    hold = ledger.place_hold(bistro.id, card, 2000, "GBP", LOCATION, "A1", pos("h"))
    ledger.capture_hold(bistro.id, hold.ref, 1500, pos("c"))
    redeemed = ledger.redeem(bistro.id, card, 500, "GBP", LOCATION, None, pos("r"))
    ledger.refund(bistro.id, redeemed.ref, 200, pos("rf"))
    loaded = ledger.load_card(bistro.id, card, 1000, "GBP", Origin(source="admin"))
    ledger.reverse_load(bistro.id, card, loaded.ref, 400, Origin(source="admin"))
    ledger.adjust(bistro.id, card, -100, "support_issue", "", Origin(source="admin"))
    ledger.place_hold(bistro.id, card, 300, "GBP", LOCATION, "A2", pos("h2"))
    clock.advance(3600)  # the second hold expires, released on the next command
    ledger.change_state(bistro.id, card, "block", "lost", Origin(source="admin"))
    ledger.change_state(bistro.id, card, "unblock", "found", Origin(source="admin"))
    cafe = ledger.register_merchant("Cafe", "EUR")
    ledger.issue_card(cafe.id, card, 700, "EUR", None, Origin(source="admin"))
    ledger.change_state(cafe.id, card, "void", "fraud", Origin(source="admin"))
    return bistro.id, site, cafe.id, card


def test_the_projection_follows_every_kind_of_event(ledger, database_url, clock):
    bistro, _, cafe, code = narrative(ledger, clock)
    engine = engine_for(database_url)
    position = catch_up(engine, ledger)
    assert position == ledger.recorder.max_notification_id()

    cards = {row["merchant_id"]: row for row in card_rows(engine).values()}
    gbp = cards[str(bistro)]
    # 5000 - 1500 - 500 + 200 + 1000 - 400 - 100 = 3700; the expired hold is gone.
    assert (gbp["balance"], gbp["held"], gbp["available"]) == (3700, 0, 3700)
    assert (gbp["state"], gbp["masked_code"], gbp["site_id"]) == (
        "active",
        "****0001",
        None,
    )
    domain_card = ledger.card(bistro, code)
    assert gbp["version"] == domain_card.version
    eur = cards[str(cafe)]
    assert (eur["balance"], eur["state"], eur["currency"]) == (0, "voided", "EUR")

    with engine.connect() as conn:
        types = (
            conn.execute(
                select(LIVE.card_activity.c.type)
                .where(LIVE.card_activity.c.merchant_id == str(bistro))
                .order_by(LIVE.card_activity.c.position)
            )
            .scalars()
            .all()
        )
        liability = conn.execute(select(LIVE.liability)).mappings().all()
    assert types == [
        "issued", "hold_placed", "hold_captured", "hold_released", "redeemed",
        "redemption_refunded", "loaded", "load_reversed", "adjusted", "hold_placed",
        "hold_released", "blocked", "unblocked",
    ]  # fmt: skip
    by_merchant = {
        (r["merchant_id"], r["currency"]): r["outstanding"] for r in liability
    }
    assert by_merchant == {(str(bistro), "GBP"): 3700, (str(cafe), "EUR"): 0}
    assert verify(engine, LIVE, EventSource(ledger)).ok


def test_each_event_is_applied_once_whatever_is_delivered_again(ledger, database_url):
    merchant = ledger.register_merchant("Bistro", "GBP")
    seed_loads(ledger, merchant.id, cards=3, loads=40)
    engine = engine_for(database_url)
    source = EventSource(ledger)
    middle = ledger.recorder.max_notification_id() // 2
    first = Projector(engine, source, batch_size=7)
    assert first.catch_up(upto=middle) == middle

    # A second projector (a restart) and a stale batch re-delivered: nothing twice.
    again = Projector(engine, source, batch_size=50)
    again.load_positions()
    again.apply_batch(source.read(0, 10_000, upto=middle))
    assert projected_position(engine) == middle
    again.catch_up()
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(LIVE.card_activity))
        assert count.scalar() == 3 * 41
    balances = sorted(row["balance"] for row in card_rows(engine).values())
    expected = 100 + sum(1 + i % 7 for i in range(40))
    assert balances == [expected] * 3

    # A projector whose position was moved back under it (a swap) refuses its batch.
    with engine.begin() as conn:
        Tracking().set(conn, "cards", middle)
    try:
        again.apply_batch(source.read(middle, 10))
    except PositionMoved:
        pass
    else:
        raise AssertionError("a moved position must abort the batch")
    assert projected_position(engine) == middle


def test_the_runner_follows_new_events_until_stopped(ledger, database_url):
    merchant = ledger.register_merchant("Bistro", "GBP")
    engine = engine_for(database_url)
    projector = Projector(engine, EventSource(ledger), batch_size=100)
    stop = threading.Event()
    thread = threading.Thread(target=projector.run, args=(stop, 0.05))
    thread.start()
    try:
        for n in range(5):
            seed_loads(ledger, merchant.id, cards=2, loads=30, prefix=f"F{n}-")
            time.sleep(0.05)
        head = ledger.recorder.max_notification_id()
        deadline = time.monotonic() + 20
        while projected_position(engine) < head and time.monotonic() < deadline:
            time.sleep(0.05)
        lag = projector_lag(engine, EventSource(ledger))
        assert (lag.position, lag.events_behind, lag.seconds_behind) == (head, 0, 0.0)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert len(card_rows(engine)) == 10
    assert verify(engine, LIVE, EventSource(ledger)).ok


def test_lag_counts_events_and_their_age(ledger, database_url):
    merchant = ledger.register_merchant("Bistro", "GBP")
    engine = engine_for(database_url)
    catch_up(engine, ledger)
    seed_loads(ledger, merchant.id, cards=1, loads=9)
    time.sleep(0.2)
    lag = projector_lag(engine, EventSource(ledger))
    assert lag.events_behind >= 10
    assert lag.seconds_behind >= 0.2
    before = dump(engine)
    catch_up(engine, ledger)
    assert dump(engine) != before
    assert projector_lag(engine, EventSource(ledger)).events_behind == 0


@pytest.mark.postgres
def test_the_runner_outlives_dropped_database_connections(postgres_server_url, clock):
    """PostgreSQL only: every session of the database is terminated under it."""
    reset_postgres(postgres_server_url)
    config = Config(database_url=postgres_server_url, create_tables=True)
    ledger = Ledger(env=ledger_env(config), clock=clock)
    merchant = ledger.register_merchant("Bistro", "GBP")
    engine = engine_for(postgres_server_url)
    projector = Projector(engine, EventSource(ledger), batch_size=100)
    stop = threading.Event()
    thread = threading.Thread(target=projector.run, args=(stop, 0.05))
    thread.start()

    def caught_up() -> bool:
        head = ledger.recorder.max_notification_id()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if projected_position(engine) == head:
                    return True
            except Exception:  # noqa: S110 - the database is being cut
                pass
            time.sleep(0.05)
        return False

    try:
        seed_loads(ledger, merchant.id, cards=2, loads=20)
        assert caught_up()
        with psycopg.connect(postgres_server_url, autocommit=True) as conn:
            killed = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert killed and killed[0] >= 2  # the subscription's and the writer's
        seed_loads(ledger, merchant.id, cards=2, loads=20, prefix="AFTER")
        assert caught_up(), "the projector resumes on new connections"
    finally:
        stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive()
    assert verify(engine, LIVE, EventSource(ledger)).ok
    engine.dispose()
    ledger.close()
