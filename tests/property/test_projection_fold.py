"""Property: after any commands, the caught-up projections equal the fold of events.

Random sequences of ledger commands (issue, load, reverse, holds with captures,
releases and expiry, redemptions, refunds, adjustments, blocks, voids, expiry) run
over several cards of two merchants. Once the projector catches up, `audit verify`
finds no difference, every card row agrees with the GiftCard aggregate itself, and
the liability is the sum of the balances. At the end a rebuild gives identical
tables, and a corrupted row makes `audit verify` fail, naming it.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from domain.card_codes import card_id
from domain.errors import LedgerError
from domain.ledger import Ledger
from domain.origin import Origin
from projections.events import EventSource
from projections.schema import read_models
from projections.verify import verify
from scripts import audit_verify, rebuild_projections
from tests.integration.projection_helpers import card_rows, catch_up, dump, engine_for

LOCATION = "L-1"
CODES = ["CARD-A-0001", "CARD-B-0002", "CARD-C-0003"]
REASONS = ["complimentary", "support_issue", "other"]
LIVE = read_models()

m = st.integers(0, 1)
c = st.integers(0, len(CODES) - 1)
amount = st.integers(1, 3000)
pick = st.integers(0, 20)
commands = st.one_of(
    st.tuples(st.just("issue"), m, c, amount, st.booleans()),
    st.tuples(st.just("load"), m, c, amount),
    st.tuples(st.just("reverse"), m, c, pick, amount),
    st.tuples(st.just("hold"), m, c, amount),
    st.tuples(st.just("capture"), pick, st.none() | amount),
    st.tuples(st.just("release"), pick),
    st.tuples(st.just("redeem"), m, c, amount),
    st.tuples(st.just("refund"), pick, amount),
    st.tuples(st.just("adjust"), m, c, amount, st.sampled_from([1, -1]),
              st.sampled_from(REASONS)),
    st.tuples(st.sampled_from(["block", "unblock", "void", "expire"]), m, c),
    st.tuples(st.just("advance"), st.sampled_from([60, 1000, 4000])),
)  # fmt: skip


class Run:
    """One example: two fresh merchants and the ids their commands produced."""

    def __init__(self, ledger: Ledger, clock: Any) -> None:
        self.ledger, self.clock = ledger, clock
        self.merchants = []
        self.locations: dict[Any, str] = {}
        for name, currency in (("Bistro", "GBP"), ("Izakaya", "JPY")):
            merchant = ledger.register_merchant(name, currency)
            # A business location belongs to one merchant: one of its own each.
            self.locations[merchant.id] = f"{LOCATION}-{merchant.id}"
            ledger.add_site(merchant.id, "Main", self.locations[merchant.id])
            self.merchants.append((merchant.id, currency))
        self.holds: list[tuple[Any, str]] = []
        self.redemptions: list[tuple[Any, str]] = []
        self.loads: dict[tuple[int, int], list[str]] = {}

    def origin(self, source: str = "pos") -> Origin:
        return Origin(source=source, actor="property")

    def do(self, command: tuple[Any, ...]) -> None:
        name, *args = command
        # A refusal is an outcome too: it must leave no event behind.
        with contextlib.suppress(LedgerError):
            getattr(self, name)(*args)

    def issue(self, mi: int, ci: int, value: int, expiring: bool) -> None:
        mid, currency = self.merchants[mi]
        expires = self.clock() + timedelta(seconds=1800) if expiring else None
        self.ledger.issue_card(mid, CODES[ci], value, currency, expires, self.origin())

    def load(self, mi: int, ci: int, value: int) -> None:
        mid, currency = self.merchants[mi]
        out = self.ledger.load_card(mid, CODES[ci], value, currency, self.origin())
        self.loads.setdefault((mi, ci), ["issue"]).append(out.ref)

    def reverse(self, mi: int, ci: int, index: int, value: int) -> None:
        refs = self.loads.get((mi, ci), ["issue"])
        ref = refs[index % len(refs)]
        mid = self.merchants[mi][0]
        self.ledger.reverse_load(mid, CODES[ci], ref, value, self.origin("admin"))

    def hold(self, mi: int, ci: int, value: int) -> None:
        mid, currency = self.merchants[mi]
        out = self.ledger.place_hold(
            mid, CODES[ci], value, currency, self.locations[mid], "ACC", self.origin()
        )
        self.holds.append((mid, out.ref))

    def capture(self, index: int, value: int | None) -> None:
        if self.holds:
            mid, ref = self.holds[index % len(self.holds)]
            self.ledger.capture_hold(mid, ref, value, self.origin())
            self.redemptions.append((mid, ref))

    def release(self, index: int) -> None:
        if self.holds:
            mid, ref = self.holds[index % len(self.holds)]
            self.ledger.release_hold(mid, ref, self.origin())

    def redeem(self, mi: int, ci: int, value: int) -> None:
        mid, currency = self.merchants[mi]
        out = self.ledger.redeem(
            mid, CODES[ci], value, currency, self.locations[mid], None, self.origin()
        )
        self.redemptions.append((mid, out.ref))

    def refund(self, index: int, value: int) -> None:
        if self.redemptions:
            mid, ref = self.redemptions[index % len(self.redemptions)]
            self.ledger.refund(mid, ref, value, self.origin())

    def adjust(self, mi: int, ci: int, value: int, sign: int, reason: str) -> None:
        mid = self.merchants[mi][0]
        self.ledger.adjust(
            mid, CODES[ci], sign * value, reason, "note", self.origin("admin")
        )

    def block(self, mi: int, ci: int, action: str = "block") -> None:
        mid = self.merchants[mi][0]
        self.ledger.change_state(mid, CODES[ci], action, "why", self.origin("admin"))

    def unblock(self, mi: int, ci: int) -> None:
        self.block(mi, ci, "unblock")

    def void(self, mi: int, ci: int) -> None:
        self.block(mi, ci, "void")

    def expire(self, mi: int, ci: int) -> None:
        self.block(mi, ci, "expire")

    def advance(self, seconds: int) -> None:
        self.clock.advance(seconds)


def agree_with_the_aggregates(run: Run, rows: dict[str, dict[str, Any]]) -> None:
    """The projected card rows say what the GiftCard aggregates say."""
    for mid, _currency in run.merchants:
        for code in CODES:
            row = rows.get(str(card_id(mid, code)))
            try:
                card = run.ledger.card(mid, code)
            except LedgerError:
                assert row is None
                continue
            assert row is not None
            held = card.held()  # open holds, expired or not, until released
            assert (row["balance"], row["held"], row["available"]) == (
                card.balance, held, card.balance - held,
            )  # fmt: skip
            assert (row["state"], row["version"]) == (card.status, card.version)
            assert row["merchant_id"] == str(mid) and row["currency"] == card.currency


def test_projections_equal_the_fold_of_the_events(
    ledger, clock, database_url, capsys, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", database_url)  # for the scripts
    engine = engine_for(database_url)
    source = EventSource(ledger)

    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        # Every card of both merchants is sold first, so most commands apply.
        st.lists(st.tuples(st.integers(500, 5000), st.booleans()),
                 min_size=2 * len(CODES), max_size=2 * len(CODES)),
        st.lists(commands, min_size=5, max_size=30),
        st.integers(1, 500),
    )  # fmt: skip
    def example(issues: list[Any], steps: list[Any], batch_size: int) -> None:
        run = Run(ledger, clock)
        for n, (value, expiring) in enumerate(issues):
            run.do(("issue", n % 2, n // 2, value, expiring))
        for step in steps:
            run.do(step)
        catch_up(engine, ledger, batch_size=batch_size)
        report = verify(engine, LIVE, source)
        assert report.ok, [str(d) for d in report.differences[:5]]
        rows = card_rows(engine)
        agree_with_the_aggregates(run, rows)
        with engine.connect() as conn:
            for mid, currency in run.merchants:
                total = conn.execute(
                    text("SELECT COALESCE(SUM(outstanding), 0) FROM liability "
                         "WHERE merchant_id = :m AND currency = :c"),
                    {"m": str(mid), "c": currency},
                ).scalar_one()  # fmt: skip
                balances = [
                    r["balance"] for r in rows.values() if r["merchant_id"] == str(mid)
                ]
                assert total == sum(balances)

    example()

    # A rebuild from event 1 gives the very same rows, and verifies.
    before = dump(engine)
    assert rebuild_projections.main(["--no-progress"]) == 0
    assert dump(engine) == before
    assert audit_verify.main(["--no-progress"]) == 0

    # One corrupted row: audit verify fails and names it.
    card = sorted(card_rows(engine).values(), key=lambda r: r["card_id"])[0]
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE card_balances SET held = held + 7 WHERE card_id = :c"),
            {"c": card["card_id"]},
        )
    capsys.readouterr()
    assert audit_verify.main(["--no-progress"]) == 1
    out = capsys.readouterr().out
    assert f"({card['card_id']}): held is {card['held'] + 7}" in out
    assert out.count("DIFFERENCE") == 1
