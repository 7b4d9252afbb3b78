"""Random command sequences through the Ledger, read back from the store.

Heavy on SQLite, lighter on PostgreSQL. After each sequence the stored events pass
the rule audit, replaying them (a fresh Ledger with no cache, and a plain fold
without snapshots) gives the very same card, and the account index lists every hold.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from eventsourcing.application import project_aggregate
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.accounts import account_key
from domain.errors import LedgerError
from domain.giftcard import ADJUSTMENT_REASONS, GiftCard
from domain.ledger import Ledger
from domain.origin import Origin
from service.config import ledger_env
from tests.property.test_card_invariants import audit, check_card

LOCATION = "4057"
# Valid amounts: bad ones are refused before any look-up (unit tests show that).
amounts = st.integers(1, 700)
refs = st.integers(0, 5)
keys = st.sampled_from([None, None, None, None, "k1", "k2"])
step = st.one_of(
    st.tuples(st.just("load"), keys, amounts),
    st.tuples(st.just("reverse_load"), keys, refs, amounts),
    st.tuples(st.just("hold"), keys, amounts, st.sampled_from(["A1", "A2"])),
    st.tuples(st.just("capture"), keys, refs, st.none() | amounts),
    st.tuples(st.just("release"), keys, refs),
    st.tuples(st.just("redeem"), keys, amounts),
    st.tuples(st.just("redeem"), keys, amounts),
    st.tuples(st.just("refund"), keys, refs, amounts),
    st.tuples(
        st.just("adjust"), keys, st.integers(-700, 700),
        st.sampled_from([*sorted(ADJUSTMENT_REASONS), "bogus"]), st.just("n"),
    ),
    st.tuples(st.sampled_from(["block", "unblock", "unblock", "void", "expire"]), keys),
    st.tuples(st.just("advance"), st.sampled_from([30, 600, 1000, 86400 * 3])),
)  # fmt: skip
sequences = st.lists(step, min_size=15, max_size=40)


def pick(items: list[str], index: int) -> str:
    return items[index % len(items)] if items else str(uuid4())


class Driver:
    """Runs steps against one card of one merchant and remembers the ids it got."""

    def __init__(self, ledger: Ledger, merchant_id: Any, code: str) -> None:
        self.ledger, self.merchant_id, self.code = ledger, merchant_id, code
        self.loads, self.holds, self.taken = ["issue"], [], []
        self.accounts: dict[str, str] = {}

    def run(self, step: tuple[Any, ...]) -> Any:
        kind, key, *args = step
        how = Origin(source="pos", actor="prop", idempotency_key=key)
        led, mid, code = self.ledger, self.merchant_id, self.code
        if kind == "load":
            out = led.load_card(mid, code, args[0], "GBP", how)
            self.loads.append(out.ref)
        elif kind == "reverse_load":
            out = led.reverse_load(mid, code, pick(self.loads, args[0]), args[1], how)
        elif kind == "hold":
            out = led.place_hold(mid, code, args[0], "GBP", LOCATION, args[1], how)
            self.holds.append(out.ref)
            self.accounts[out.ref] = args[1]
        elif kind == "capture":
            out = led.capture_hold(mid, pick(self.holds, args[0]), args[1], how)
            self.taken.append(out.ref)
        elif kind == "release":
            out = led.release_hold(mid, pick(self.holds, args[0]), how)
        elif kind == "redeem":
            out = led.redeem(mid, code, args[0], "GBP", LOCATION, None, how)
            self.taken.append(out.ref)
        elif kind == "refund":
            out = led.refund(mid, pick(self.taken, args[0]), args[1], how)
        elif kind == "adjust":
            out = led.adjust(mid, code, args[0], args[1], args[2], how)
        else:
            out = led.change_state(mid, code, kind, "why", how)
        return out


def run_sequence(ledger: Ledger, clock, merchant_id, issued, sequence) -> Driver:
    """Issue a card, run the steps; only LedgerErrors may refuse, changing nothing."""
    code = uuid4().hex
    ledger.issue_card(merchant_id, code, issued, "GBP", None, Origin(source="pos"))
    driver = Driver(ledger, merchant_id, code)
    for step in sequence:
        if step[0] == "advance":
            clock.advance(step[1])
            continue
        version = ledger.get_card(merchant_id, code)[0].version
        try:
            outcome = driver.run(step)
        except LedgerError:
            assert ledger.get_card(merchant_id, code)[0].version == version
            continue
        if outcome.replayed:
            # A repeated key with the same request writes nothing.
            assert ledger.get_card(merchant_id, code)[0].version == version
        check_card(ledger.get_card(merchant_id, code)[0], clock())
    return driver


def check_store(ledger: Ledger, fresh: Ledger, driver: Driver, clock) -> None:
    """The stored events audit clean and replay to the same card, whichever way."""
    card, now = ledger.get_card(driver.merchant_id, driver.code)
    check_card(card, now)
    events = list(ledger.events.get(card.id))
    folded = audit(events)
    assert (folded["balance"], folded["status"]) == (card.balance, card.status)
    assert card.version == len(events)
    replayed, _ = fresh.get_card(driver.merchant_id, driver.code)
    assert replayed.__dict__ == card.__dict__
    folded_card = project_aggregate(None, events)
    assert isinstance(folded_card, GiftCard)
    assert folded_card.__dict__ == card.__dict__
    for hold_id, account_id in driver.accounts.items():
        account = ledger.repository.get(
            account_key(driver.merchant_id, LOCATION, account_id)
        )
        assert account.holds[hold_id]["card_id"] == card.id


def test_random_sequences_keep_every_invariant_and_replay_the_same(
    ledger: Ledger, config, clock, database_url
):
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main", LOCATION)
    fresh = Ledger(env={**ledger_env(config), "AGGREGATE_CACHE_MAXSIZE": ""})

    # The same search on both stores: ordering bugs show on one store only.
    @settings(max_examples=60, deadline=None, database=None)
    @given(issued=st.integers(500, 5000), sequence=sequences)
    def check(issued: int, sequence: list[tuple[Any, ...]]) -> None:
        driver = run_sequence(ledger, clock, merchant.id, issued, sequence)
        check_store(ledger, fresh, driver, clock)

    try:
        check()
    finally:
        fresh.close()
