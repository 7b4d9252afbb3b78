"""Compare the read models with the fold of the events, row by row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, select

from projections.events import EventSource
from projections.fold import Fold
from projections.schema import ReadModels
from projections.tracking import Tracking

MISSING = "<missing>"


@dataclass(frozen=True)
class Difference:
    """One row or value where a projection and the events disagree."""

    table: str
    key: str
    column: str
    projected: Any
    expected: Any

    def __str__(self) -> str:
        return (
            f"{self.table} {self.key}: {self.column} is {self.projected!r} "
            f"in the projection but {self.expected!r} from the events"
        )


@dataclass
class Report:
    """The outcome of a verification."""

    position: int
    cards: int = 0
    events: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the projections equal the fold."""
        return not self.differences


def _compare(
    report: Report, table: str, key: str, got: dict[str, Any] | None, want: Any
) -> None:
    if got is None or want is None:
        projected = MISSING if got is None else "present"
        expected = MISSING if want is None else "present"
        report.differences.append(Difference(table, key, "row", projected, expected))
        return
    for column, value in want.items():
        if got.get(column) != value:
            report.differences.append(
                Difference(table, key, column, got.get(column), value)
            )


def _rows(conn: Connection, table: Table, *order: str) -> Iterator[dict[str, Any]]:
    query = select(table).order_by(*(table.c[name] for name in order))
    for row in conn.execution_options(yield_per=2000).execute(query).mappings():
        yield dict(row)


def _card_key(row: dict[str, Any]) -> str:
    return f"card {row['masked_code']} ({row['card_id']})"


def verify(
    engine: Engine,
    models: ReadModels,
    source: EventSource,
    view_name: str = "cards",
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Fold the events up to the tables' position and compare every row."""
    conn_options = {"isolation_level": "REPEATABLE READ"}
    if engine.dialect.name != "postgresql":
        conn_options = {}
    with engine.connect().execution_options(**conn_options) as conn, conn.begin():
        # One snapshot: the position and the rows it produced belong together.
        position = Tracking().read(conn, [view_name])[view_name]
        report = Report(position)
        folded = Fold()
        stored = _rows(conn, models.card_activity, "position")
        row = next(stored, None)
        for pos, e in source.iter_card_events(upto=position, progress=progress):
            want = folded.feed(pos, e)
            report.events += 1
            while row is not None and row["position"] < pos:
                _compare(report, "card_activity", f"position {row['position']}",
                         row, None)  # fmt: skip
                row = next(stored, None)
            if row is not None and row["position"] == pos:
                _compare(report, "card_activity", f"position {pos}", row, want)
                row = next(stored, None)
            else:
                _compare(report, "card_activity", f"position {pos}", None, want)
        for extra in ([row] if row else []) + list(stored):
            _compare(report, "card_activity", f"position {extra['position']}",
                     extra, None)  # fmt: skip
        _compare_cards(report, conn, models, folded)
        _compare_liability(report, conn, models, folded)
    return report


def _compare_cards(
    report: Report, conn: Connection, models: ReadModels, folded: Fold
) -> None:
    got = {r["card_id"]: r for r in _rows(conn, models.card_balances, "card_id")}
    want = {r["card_id"]: r for r in folded.card_rows()}
    report.cards = len(want)
    for card_id in sorted(set(got) | set(want)):
        key = _card_key(got.get(card_id) or want[card_id])
        _compare(report, "card_balances", key, got.get(card_id), want.get(card_id))


def _compare_liability(
    report: Report, conn: Connection, models: ReadModels, folded: Fold
) -> None:
    def key_of(r: dict[str, Any]) -> tuple[str, str, str]:
        return r["merchant_id"], r["site_id"], r["currency"]

    order = ("merchant_id", "site_id", "currency")
    got = {key_of(r): r for r in _rows(conn, models.liability, *order)}
    want = {key_of(r): r for r in folded.liability_rows()}
    for k in sorted(set(got) | set(want)):
        label = f"merchant {k[0]} site {k[1] or '-'} {k[2]}"
        _compare(report, "liability", label, got.get(k), want.get(k))
