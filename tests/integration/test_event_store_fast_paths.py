"""The event store's fast paths: one-call saves, batched fast-forwards, the cache.

Two Ledgers on one store stand for two gunicorn workers: each has its own cache,
so what one writes the other must see on its next command or read, never later.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from uuid import uuid4

import psycopg
import pytest

from domain.ledger import Ledger
from domain.origin import Origin
from service.config import Config, ledger_env
from service.store.pg_store import FUNCTION, LedgerRecorder
from service.store.repository import FRESH

LOCATION = "4057"
postgres_only = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


@pytest.fixture
def other(config: Config, clock) -> Iterator[Ledger]:
    """A second Ledger on the same store: another worker, another cache."""
    app = Ledger(env=ledger_env(config), clock=clock)
    yield app
    app.close()


def _merchant_with_cards(ledger: Ledger, count: int) -> tuple[object, list[str]]:
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main", LOCATION)
    codes = [f"77412290{n:08d}" for n in range(count)]
    for code in codes:
        ledger.issue_card(merchant.id, code, 10_000, "GBP", None, Origin(source="pos"))
    return merchant, codes


def _redeem(ledger: Ledger, merchant_id, code: str, amount: int = 100) -> None:
    origin = Origin(source="pos")
    ledger.redeem(merchant_id, code, amount, "GBP", LOCATION, None, origin)


@postgres_only
def test_concurrent_saves_through_the_function_keep_the_log_gap_free(ledger: Ledger):
    assert isinstance(ledger.recorder, LedgerRecorder)
    merchant, codes = _merchant_with_cards(ledger, 8)
    start = ledger.recorder.max_notification_id() or 0

    def spend(code: str) -> None:
        for _ in range(20):
            _redeem(ledger, merchant.id, code, 1)

    threads = [threading.Thread(target=spend, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    ids = [n.id for n in ledger.recorder.select_notifications(start + 1, 10_000)]
    # 160 redemptions, each a card event and a pointer event, ids in commit order.
    assert ids == list(range(start + 1, start + 1 + 320))
    assert ledger.recorder.has_function


@postgres_only
def test_a_store_set_up_before_the_function_still_saves(ledger: Ledger, config):
    with psycopg.connect(config.database_url, autocommit=True) as conn:
        conn.execute(f"DROP FUNCTION {FUNCTION}")
    merchant, codes = _merchant_with_cards(ledger, 1)
    _redeem(ledger, merchant.id, codes[0])
    assert ledger.recorder.has_function is False
    assert ledger.get_card(merchant.id, codes[0])[0].balance == 9_900


# The function as the second session's init-db created it: one composite array.
OLD_SIGNATURE = """
CREATE FUNCTION {function}(events {event}[]) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$ BEGIN
RETURN QUERY INSERT INTO {table} (originator_id, originator_version, topic, state)
SELECT originator_id, originator_version, topic, state FROM unnest(events)
RETURNING notification_id; END; $$
"""


def _signatures(database_url: str) -> list[str]:
    query = "SELECT oidvectortypes(proargtypes) FROM pg_proc WHERE proname = %s"
    with psycopg.connect(database_url, autocommit=True) as conn:
        return [row[0] for row in conn.execute(query, (FUNCTION,))]


@postgres_only
def test_a_store_with_the_older_function_saves_then_init_db_replaces_it(
    ledger: Ledger, config
):
    recorder = ledger.recorder
    assert isinstance(recorder, LedgerRecorder)
    with psycopg.connect(config.database_url, autocommit=True) as conn:
        conn.execute(f"DROP FUNCTION {FUNCTION}")
        conn.execute(
            OLD_SIGNATURE.format(
                function=FUNCTION,
                event=recorder.stored_event_type_name,
                table=recorder.events_table_name,
            )
        )
    merchant, codes = _merchant_with_cards(ledger, 1)
    _redeem(ledger, merchant.id, codes[0])
    assert recorder.has_function is False  # the library's path, with a warning
    assert ledger.get_card(merchant.id, codes[0])[0].balance == 9_900

    recorder.create_table()  # what `giftledger init-db` runs after an upgrade
    assert _signatures(config.database_url) == ["uuid[], bigint[], text[], bytea[]"]
    recorder.has_function = True
    _redeem(ledger, merchant.id, codes[0])
    assert recorder.has_function is True
    assert ledger.get_card(merchant.id, codes[0])[0].balance == 9_800


@pytest.mark.store
@pytest.mark.parametrize("count", [1, 8, 13])
def test_one_refresh_brings_every_cached_aggregate_up_to_date(
    ledger: Ledger, other: Ledger, count: int
):
    merchant, codes = _merchant_with_cards(ledger, count)
    cards = [ledger.card(merchant.id, code) for code in codes]  # now cached here
    for code in codes[::2]:
        _redeem(other, merchant.id, code)  # written by the other worker
    found = ledger.cached.refresh([card.id for card in cards])
    assert found.keys() == {card.id for card in cards}
    for n, card in enumerate(cards):
        assert found[card.id].balance == (9_900 if n % 2 == 0 else 10_000)
        assert ledger.repository.cache.get(card.id) is found[card.id]
        assert found[card.id] is not card  # a refreshed card is a new object


@pytest.mark.store
def test_one_refresh_loads_what_is_not_cached_and_knows_what_is_missing(
    ledger: Ledger, other: Ledger
):
    merchant, codes = _merchant_with_cards(other, 3)
    ids = [ledger.card(merchant.id, codes[0]).id]  # cached here; the rest not
    ids += [other.card(merchant.id, code).id for code in codes[1:]]
    nobody = uuid4()
    _redeem(other, merchant.id, codes[0])
    found = ledger.cached.refresh([*ids, nobody, merchant.id])
    assert found[nobody] is None
    assert [found[i].balance for i in ids] == [9_900, 10_000, 10_000]
    assert found[merchant.id].sites  # a merchant loads like a card
    assert all(ledger.repository.cache.get(i) is found[i] for i in ids)


@pytest.mark.store
def test_an_uncached_card_with_a_snapshot_loads_the_same(ledger: Ledger, other: Ledger):
    merchant, codes = _merchant_with_cards(other, 1)
    for _ in range(30):
        _redeem(other, merchant.id, codes[0], 1)
    card_uuid = other.card(merchant.id, codes[0]).id
    other.take_snapshot(card_uuid)
    other.close()  # background snapshots finish
    _redeem(ledger, merchant.id, codes[0], 1)  # after the snapshot
    ledger.repository.cache.get(card_uuid, evict=True)
    found = ledger.cached.refresh([card_uuid])[card_uuid]
    assert (found.version, found.balance) == (32, 10_000 - 31)
    assert found.__dict__ == ledger.repository.get(card_uuid, version=32).__dict__


def test_a_command_sees_what_another_worker_wrote_just_before(
    ledger: Ledger, other: Ledger
):
    merchant, codes = _merchant_with_cards(ledger, 1)
    _redeem(ledger, merchant.id, codes[0], 9_000)  # cached here at 1,000
    other.load_card(merchant.id, codes[0], 5_000, "GBP", Origin(source="admin"))
    _redeem(ledger, merchant.id, codes[0], 6_000)  # needs the other worker's load
    assert other.get_card(merchant.id, codes[0])[0].balance == 0


def test_reads_outside_a_request_scope_always_ask_the_store(
    ledger: Ledger, other: Ledger
):
    merchant, codes = _merchant_with_cards(ledger, 1)
    assert FRESH.get() is None
    before = ledger.get_card(merchant.id, codes[0])[0].balance
    _redeem(other, merchant.id, codes[0])
    assert ledger.get_card(merchant.id, codes[0])[0].balance == before - 100


def test_a_reader_keeps_its_copy_while_the_cache_moves_on(ledger: Ledger):
    merchant, _ = _merchant_with_cards(ledger, 1)
    shared = ledger.merchant(merchant.id, copy=False)
    ledger.add_site(merchant.id, "Annex", "4058")
    assert shared.site_for_location("4058", default=None) is None  # never changed
    assert ledger.merchant(merchant.id, copy=False).site_for_location("4058")
