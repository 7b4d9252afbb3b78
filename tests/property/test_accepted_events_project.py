"""Property: every event the ledger accepted is applied by every read model.

Commands with any date the caller could send (the whole datetime range, both
ends of the accepted range to the microsecond, the clock's own now, offsets
from -14:00 to +14:00, microseconds), mixed with loads, holds, redemptions and
expiries. Whatever the ledger accepted, the projector applies to the head of the
log, `audit verify` agrees, a rebuild from event 1 verifies and swaps in, and the
audit replay of each merchant and of each card goes through. The same number of
examples on SQLite and PostgreSQL.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import LedgerError
from domain.origin import Origin
from domain.time_bounds import EARLIEST, LATEST_EXCLUDED
from projections.events import EventSource
from projections.rebuild import rebuild
from projections.replay import replay_card, replay_merchant
from projections.schema import read_models
from projections.status import projected_position
from projections.verify import verify
from tests.integration.projection_helpers import card_rows, catch_up, engine_for

EXAMPLES = 25  # on each backend


def location(mid: Any) -> str:
    """Each example's merchant has a Lightspeed location of its own."""
    return str(mid.int % 10**14)


ORIGIN = Origin(source="admin", actor="property")
LIVE = read_models()

offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
ticks = st.integers(-3, 3).map(lambda n: timedelta(microseconds=n))
# Aware moments as a JSON body could carry them (year 1 to 9999 on the wall clock).
anywhere = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets
)
extremes = st.tuples(st.sampled_from([datetime.min, datetime.max]), offsets).map(
    lambda pair: pair[0].replace(tzinfo=pair[1])
)
at_the_bounds = st.tuples(st.sampled_from([EARLIEST, LATEST_EXCLUDED]), ticks, offsets)
plausible = st.datetimes(
    min_value=datetime(2026, 11, 1), max_value=datetime(2199, 12, 31),
    timezones=offsets,
)  # fmt: skip


def moments(now: datetime) -> st.SearchStrategy[Any]:
    """Expiry dates: anywhere, extreme, at a bound, at the clock's now, or none."""
    near_now = st.tuples(ticks, offsets).map(lambda p: (now + p[0]).astimezone(p[1]))
    bound = at_the_bounds.map(lambda p: (p[0] + p[1]).astimezone(p[2]))
    return st.one_of(st.none(), anywhere, extremes, bound, near_now, plausible)


def commands(now: datetime) -> st.SearchStrategy[Any]:
    """Issues with such dates, then money movements and clock moves."""
    code = st.integers(0, 5).map(lambda n: f"DATE-{n:04d}")
    amount = st.integers(1, 5000)
    return st.lists(
        st.one_of(
            st.tuples(st.just("issue"), code, amount, moments(now)),
            st.tuples(st.just("load"), code, amount),
            st.tuples(st.just("hold"), code, amount),
            st.tuples(st.just("redeem"), code, amount),
            st.tuples(st.just("expire"), code),
            st.tuples(st.just("advance"), st.sampled_from([1, 3600, 86400 * 400])),
        ),
        min_size=1,
        max_size=12,
    )


def run(ledger: Any, clock: Any, mid: Any, command: tuple[Any, ...]) -> None:
    """One command; a refusal is an outcome too (it writes nothing)."""
    name, *args = command
    with contextlib.suppress(LedgerError):
        if name == "issue":
            ledger.issue_card(mid, args[0], args[1], "GBP", args[2], ORIGIN)
        elif name == "load":
            ledger.load_card(mid, args[0], args[1], "GBP", ORIGIN)
        elif name == "hold":
            ledger.place_hold(mid, args[0], args[1], "GBP", location(mid), "1", ORIGIN)
        elif name == "redeem":
            ledger.redeem(mid, args[0], args[1], "GBP", location(mid), None, ORIGIN)
        elif name == "expire":
            ledger.change_state(mid, args[0], "expire", "why", ORIGIN)
        else:
            clock.advance(args[0])


def test_every_accepted_event_is_applied_by_every_read_model(
    ledger, clock, database_url
):
    engine = engine_for(database_url)
    source = EventSource(ledger)
    start = clock()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(steps=commands(start))
    def example(steps: list[tuple[Any, ...]]) -> None:
        clock.now = start  # every example starts at the same now
        merchant = ledger.register_merchant("Dates", "GBP")
        ledger.add_site(merchant.id, "Main", location(merchant.id))
        for step in steps:
            run(ledger, clock, merchant.id, step)
        head = ledger.recorder.max_notification_id()
        assert catch_up(engine, ledger, batch_size=7) == head
        assert projected_position(engine) == head
        report = verify(engine, LIVE, source)
        assert report.ok, [str(d) for d in report.differences[:5]]
        rows = card_rows(engine).values()
        mine = [r for r in rows if r["merchant_id"] == str(merchant.id)]
        replay = replay_merchant(source, merchant.id)
        assert len(replay.cards()) == len(mine)
        for step in steps:
            if step[0] == "issue":
                with contextlib.suppress(LookupError):
                    replay_card(source, merchant.id, step[1])
        result = rebuild(engine, source)
        assert result.swapped and result.position == head

    example()
