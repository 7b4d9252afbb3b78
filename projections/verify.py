"""Compare the read models with the fold of the events, row by row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, select

from projections.cards import is_card_topic
from projections.events import EventSource
from projections.fold import Fold
from projections.receipts import apply_log_event, is_log_topic
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

    def compare(
        self, table: str, key: str, got: dict[str, Any] | None, want: Any
    ) -> None:
        """Record each column where a stored row differs from the expected one."""
        if got is None or want is None:
            projected = MISSING if got is None else "present"
            expected = MISSING if want is None else "present"
            self.differences.append(Difference(table, key, "row", projected, expected))
            return
        if got == want:
            return  # the common case, compared in one go
        for column, value in want.items():
            if got.get(column) != value:
                self.differences.append(
                    Difference(table, key, column, got.get(column), value)
                )

    def compare_all(
        self,
        table: str,
        got: dict[Any, dict[str, Any]],
        want: dict[Any, dict[str, Any]],
        label: Callable[[Any, dict[str, Any]], str],
    ) -> None:
        """Compare two keyed sets of rows."""
        for key in sorted(set(got) | set(want)):
            row = got.get(key) or want[key]
            self.compare(table, label(key, row), got.get(key), want.get(key))


def _rows(conn: Connection, table: Table, *order: str) -> Iterator[dict[str, Any]]:
    query = select(table).order_by(*(table.c[name] for name in order))
    for row in conn.execution_options(yield_per=2000).execute(query).mappings():
        yield dict(row)


class ActivityStream:
    """Walks the stored card_activity rows beside the fold's, in position order."""

    def __init__(self, report: Report, stored: Iterator[dict[str, Any]]) -> None:
        self.report = report
        self.stored = stored
        self.row = next(stored, None)

    def _extra(self) -> None:
        assert self.row is not None
        key = f"position {self.row['position']}"
        self.report.compare("card_activity", key, self.row, None)
        self.row = next(self.stored, None)

    def expect(self, position: int, want: dict[str, Any]) -> None:
        """The fold produced `want` at `position`; compare it with what is stored."""
        while self.row is not None and self.row["position"] < position:
            self._extra()
        if self.row is not None and self.row["position"] == position:
            self.report.compare("card_activity", f"position {position}", self.row, want)
            self.row = next(self.stored, None)
        else:
            self.report.compare("card_activity", f"position {position}", None, want)

    def finish(self) -> None:
        """Every stored row left over has no event behind it."""
        while self.row is not None:
            self._extra()


def verify(
    engine: Engine,
    models: ReadModels,
    source: EventSource,
    suffix: str = "",
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Fold the events up to the tables' positions and compare every row."""
    options = {"isolation_level": "REPEATABLE READ"}
    if engine.dialect.name != "postgresql":
        options = {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        # One snapshot: the positions and the rows they produced belong together.
        names = ["cards" + suffix, "receipts" + suffix]
        cards_at, receipts_at = Tracking().read(conn, names).values()
        report = Report(min(cards_at, receipts_at))
        folded, exceptions, logs = Fold(), {}, {}  # type: ignore[var-annotated]
        activity = ActivityStream(report, _rows(conn, models.card_activity, "position"))
        wanted = lambda t: is_card_topic(t) or is_log_topic(t)  # noqa: E731
        upto = max(cards_at, receipts_at)
        for pos, topic, e in source.iter_events(wanted, upto=upto, progress=progress):
            if is_card_topic(topic) and pos <= cards_at:
                activity.expect(pos, folded.feed(pos, e) or {})
                report.events += 1
            elif is_log_topic(topic) and pos <= receipts_at:
                apply_log_event(exceptions, logs, pos, e)
        activity.finish()
        _compare_tables(report, conn, models, folded, exceptions)
    return report


def _compare_tables(
    report: Report,
    conn: Connection,
    models: ReadModels,
    folded: Fold,
    exceptions: dict[str, dict[str, Any]],
) -> None:
    cards = {r["card_id"]: r for r in _rows(conn, models.card_balances, "card_id")}
    want = {r["card_id"]: r for r in folded.card_rows()}
    report.cards = len(want)
    report.compare_all(
        "card_balances", cards, want, lambda k, r: f"card {r['masked_code']} ({k})"
    )

    def liability_key(r: dict[str, Any]) -> tuple[str, str, str]:
        return r["merchant_id"], r["site_id"], r["currency"]

    order = ("merchant_id", "site_id", "currency")
    got = {liability_key(r): r for r in _rows(conn, models.liability, *order)}
    owed = {liability_key(r): r for r in folded.liability_rows()}
    report.compare_all(
        "liability",
        got,
        owed,
        lambda k, _: f"merchant {k[0]} site {k[1] or '-'} {k[2]}",
    )

    stored = {
        r["exception_id"]: r
        for r in _rows(conn, models.receipt_exceptions, "exception_id")
    }
    report.compare_all(
        "receipt_exceptions", stored, exceptions, lambda k, _: f"exception {k}"
    )
