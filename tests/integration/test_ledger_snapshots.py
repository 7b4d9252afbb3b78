"""Snapshots give the same card as a full replay of its events, on both backends."""

from __future__ import annotations

from eventsourcing.application import project_aggregate

from domain.giftcard import GiftCard
from domain.ledger import Ledger
from domain.ledger_core import LedgerCore
from domain.origin import Origin
from service.config import ledger_env

CODE, LOCATION = "7741229000519999", "4057"


class EveryHundred(Ledger):
    """The ledger with a snapshot every 100 card events (production may differ)."""

    snapshotting_intervals = {GiftCard: 100}


def busy_history(ledger: Ledger, merchant_id, rounds: int) -> dict[str, int]:
    """Every kind of card event, `rounds` times over; returns key -> version."""
    versions = {}
    for n in range(rounds):
        how = Origin(source="pos", actor="till", idempotency_key=f"r{n}")
        redeemed = ledger.redeem(merchant_id, CODE, 300, "GBP", LOCATION, None, how)
        versions[f"r{n}"] = redeemed.card.version
        ledger.refund(merchant_id, redeemed.ref, 100, Origin(source="pos"))
        hold = ledger.place_hold(
            merchant_id, CODE, 500, "GBP", LOCATION, f"A{n}", Origin(source="pos")
        )
        if n % 2:
            ledger.capture_hold(merchant_id, hold.ref, 200, Origin(source="pos"))
        else:
            ledger.release_hold(merchant_id, hold.ref, Origin(source="pos"))
        ledger.load_card(merchant_id, CODE, 50, "GBP", Origin(source="pos"))
        ledger.adjust(merchant_id, CODE, -5, "other", f"count {n}", Origin("admin"))
    return versions


def test_a_card_of_300_events_loads_the_same_from_snapshots(config, clock):
    writer = EveryHundred(env=ledger_env(config), clock=clock)
    merchant = writer.register_merchant("Bistro", "GBP")
    writer.add_site(merchant.id, "Main", LOCATION)
    card_id = writer.issue_card(
        merchant.id, CODE, 10**9, "GBP", None, Origin(source="pos")
    ).card.id
    versions = busy_history(writer, merchant.id, 55)
    writer.change_state(merchant.id, CODE, "block", "audit", Origin(source="admin"))
    live = writer.get_card(merchant.id, CODE)[0]
    writer.close()  # waits for the background snapshots
    assert live.version > 300

    no_cache = {**ledger_env(config), "AGGREGATE_CACHE_MAXSIZE": ""}
    reader = EveryHundred(env=no_cache, clock=clock)
    try:
        snapshots = [s.originator_version for s in reader.snapshots.get(card_id)]
        assert snapshots == [v for v in range(100, live.version + 1, 100)]
        events = list(reader.events.get(card_id))
        full = project_aggregate(None, events)
        from_snapshot = reader.repository.get(card_id)
        assert from_snapshot.__dict__ == full.__dict__ == live.__dict__
        # A past version goes through the snapshot before it, then the events.
        for version in (99, 100, 101, 250, live.version - 1):
            past = reader.repository.get(card_id, version=version)
            assert past.__dict__ == project_aggregate(None, events[:version]).__dict__
        # An idempotent replay answers with the card as the first request left it.
        key = max(k for k, v in versions.items() if v < 250)
        again = reader.redeem(
            merchant.id, CODE, 300, "GBP", LOCATION, None,
            Origin(source="pos", actor="till", idempotency_key=key),
        )  # fmt: skip
        assert again.replayed and again.card.version == versions[key]
        expected = project_aggregate(None, events[: versions[key]])
        assert again.card.__dict__ == expected.__dict__
    finally:
        reader.close()


def test_the_ledger_snapshots_cards():
    assert GiftCard in LedgerCore.snapshotting_intervals
    assert LedgerCore.snapshotting_intervals[GiftCard] >= 100
