"""Replay a card's (or a merchant's) history: `python -m scripts.audit_replay`.

Reads the events themselves, never the projections, and prints every event with
the balance after it: a table for people, JSON lines or CSV for auditors' tools.
`--as-of` stops at a moment, giving the state then.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import UTC, datetime
from typing import Any, TextIO
from uuid import UUID

from tqdm import tqdm

from domain.money import to_major
from projections.events import EventSource
from projections.replay import NoSuchCard, Replay, replay_card, replay_merchant
from service.config import Config, ledger_env
from service.store.ledger import StoredLedger

TABLE = [
    ("recorded_at", 26), ("version", 4), ("type", 19), ("amount", 10),
    ("delta", 10), ("balance_after", 10), ("held_after", 9),
    ("available_after", 10), ("state_after", 7), ("source", 14), ("reference", 36),
]  # fmt: skip
MONEY = {"amount", "delta", "balance_after", "held_after", "available_after"}
HEADINGS = {"balance_after": "balance", "held_after": "held",
            "available_after": "available", "state_after": "state",
            "delta": "change", "version": "ver", "masked_code": "card"}  # fmt: skip


def moment(text: str) -> datetime:
    """An ISO 8601 timestamp; without a zone it is UTC."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="giftledger audit replay",
        description="Print a card's or merchant's events with the balance after each.",
    )
    parser.add_argument("--merchant", required=True, type=UUID, help="merchant id")
    parser.add_argument("--code", help="card code ('-' reads it from stdin); "
                        "without it, every card of the merchant")  # fmt: skip
    parser.add_argument("--as-of", type=moment, help="ISO 8601 moment (default now)")
    parser.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    return parser.parse_args(argv)


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


def write_rows(replay: Replay, out: TextIO, fmt: str) -> None:
    """JSON lines or CSV: every column, amounts in integer minor units."""
    if fmt == "jsonl":
        for row in replay.rows:
            out.write(json.dumps({k: plain(v) for k, v in row.items()}) + "\n")
        return
    if not replay.rows:
        return
    writer = csv.DictWriter(out, fieldnames=list(replay.rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in replay.rows:
        writer.writerow({k: plain(v) for k, v in row.items()})


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Replay and print; exit status 2 when the card does not exist."""
    args = parse(argv)
    out = out or sys.stdout
    code = sys.stdin.readline().strip() if args.code == "-" else args.code
    ledger = StoredLedger(env=ledger_env(Config.from_env()))
    source = EventSource(ledger)
    try:
        if code:
            replay = replay_card(source, args.merchant, code, args.as_of)
        else:
            with tqdm(
                total=source.head(),
                desc="replay",
                unit="ev",
                file=sys.stderr,
                disable=args.format != "table",
            ) as bar:
                replay = replay_merchant(source, args.merchant, args.as_of, bar.update)
    except NoSuchCard as error:
        print(f"audit replay: {error}", file=sys.stderr)
        return 2
    finally:
        ledger.close()
    if args.format == "table":
        write_table(replay, out, many=not code, as_of=args.as_of)
    else:
        write_rows(replay, out, args.format)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
