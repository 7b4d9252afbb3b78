"""How `audit replay` prints: a table for people, JSON lines or CSV for tools."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from typing import Any, TextIO

from domain.money import to_major
from projections.replay import Replay
from projections.schema import read_models

TABLE = [
    ("recorded_at", 26), ("version", 4), ("type", 19), ("amount", 10),
    ("delta", 10), ("balance_after", 10), ("held_after", 9),
    ("available_after", 10), ("state_after", 7), ("source", 14), ("reference", 36),
]  # fmt: skip
MONEY = {"amount", "delta", "balance_after", "held_after", "available_after"}
HEADINGS = {"balance_after": "balance", "held_after": "held",
            "available_after": "available", "state_after": "state",
            "delta": "change", "version": "ver", "masked_code": "card"}  # fmt: skip


def csv_columns(many: bool) -> list[str]:
    """The CSV header: the activity read model's columns (a card has no position)."""
    names = [c.name for c in read_models().card_activity.columns]
    return names if many else [n for n in names if n != "position"]


def plain(value: Any) -> Any:
    """A JSON/CSV-ready value: timestamps in ISO 8601 UTC, the rest as is."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).isoformat()
    return value


def cell(row: dict[str, Any], name: str) -> str:
    """One table cell: money in major units of the card's currency."""
    value = row.get(name)
    if value is None:
        return ""
    if name in MONEY:
        return str(to_major(value, row["currency"]))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def write_table(
    replay: Replay, out: TextIO, many: bool, as_of: datetime | None
) -> None:
    """A fixed-width table, then each card's state and the totals."""
    columns = ([("masked_code", 9)] if many else []) + TABLE
    out.write(" ".join(HEADINGS.get(n, n).ljust(w) for n, w in columns).rstrip() + "\n")
    for row in replay.rows:
        out.write(" ".join(cell(row, n).ljust(w) for n, w in columns).rstrip() + "\n")
    when = as_of.isoformat() if as_of else "now"
    out.write(f"\nstate as of {when}:\n")
    for card in sorted(replay.cards(), key=lambda c: (c["masked_code"], c["card_id"])):
        money = {k: to_major(card[k], card["currency"]) for k in ("balance", "held")}
        out.write(
            f"  {card['masked_code']}  {card['currency']}  balance {money['balance']}"
            f"  held {money['held']}  {card['state']}  version {card['version']}\n"
        )
    for currency, total in sorted(replay.totals().items()):
        out.write(f"outstanding {currency} {to_major(total, currency)} "
                  f"over {len(replay.cards())} card(s)\n")  # fmt: skip


def write_rows(replay: Replay, out: TextIO, fmt: str, many: bool) -> None:
    """JSON lines or CSV: every column, amounts in integer minor units.

    CSV always starts with its header, so an empty replay is still a valid file.
    """
    if fmt == "jsonl":
        for row in replay.rows:
            out.write(json.dumps({k: plain(v) for k, v in row.items()}) + "\n")
        return
    writer = csv.DictWriter(out, fieldnames=csv_columns(many), lineterminator="\n")
    writer.writeheader()
    for row in replay.rows:
        writer.writerow({k: plain(v) for k, v in row.items()})
