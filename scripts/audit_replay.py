"""`giftledger audit replay`: a card's (or a merchant's) history from the events.

Reads the events themselves, never the projections, and prints every event with
the balance after it: a table for people, JSON lines or CSV for auditors' tools.
`--as-of` stops at a moment, giving the state then.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from typing import Any, TextIO
from uuid import UUID

import click
from tqdm import tqdm

from domain.ledger import Ledger
from domain.money import to_major
from domain.time_bounds import RANGE_TEXT, in_range
from projections.events import EventSource
from projections.failure import ProjectionFailed
from projections.replay import NoSuchCard, Replay, replay_card, replay_merchant
from projections.schema import read_models
from scripts.store import require_store
from service.config import Config, ledger_env

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
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    if not in_range(value):
        raise ValueError(f"must be {RANGE_TEXT}")
    return value


class Moment(click.ParamType):  # type: ignore[type-arg]
    """An ISO 8601 moment on the command line."""

    name = "moment"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        """`moment(value)`, or a usage error naming the option."""
        if isinstance(value, datetime):
            return value
        try:
            return moment(value)
        except ValueError as error:
            if str(error).startswith("must be"):
                self.fail(f"{value!r}: {error}", param, ctx)
            self.fail(f"{value!r} is not an ISO 8601 moment", param, ctx)


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


def run(
    merchant: UUID, code: str | None, as_of: datetime | None, fmt: str, out: TextIO
) -> int:
    """Replay and print; 2 when the card does not exist."""
    config = Config.from_env()
    require_store(config)
    code = sys.stdin.readline().strip() if code == "-" else code
    ledger = Ledger(env=ledger_env(config))
    source = EventSource(ledger)
    try:
        if code:
            replay = replay_card(source, merchant, code, as_of)
        else:
            with tqdm(
                total=source.head(),
                desc="replay",
                unit="ev",
                file=sys.stderr,
                disable=fmt != "table",
            ) as bar:
                replay = replay_merchant(source, merchant, as_of, bar.update)
    except NoSuchCard as error:
        click.echo(f"audit replay: {error}", err=True)
        return 2
    except ProjectionFailed as failure:
        print(f"audit replay: stopped: {failure.line()}", file=sys.stderr)
        return 1
    finally:
        ledger.close()
    if fmt == "table":
        write_table(replay, out, many=not code, as_of=as_of)
    else:
        write_rows(replay, out, fmt, many=not code)
    return 0


@click.command("replay")
@click.option("--merchant", required=True, type=click.UUID, help="Merchant id.")
@click.option(
    "--code",
    help="Card code ('-' reads it from stdin); without it, every card of the merchant.",
)
@click.option("--as-of", type=Moment(), help="ISO 8601 moment (default now).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@click.pass_context
def replay_command(
    ctx: click.Context,
    merchant: UUID,
    code: str | None,
    as_of: datetime | None,
    fmt: str,
) -> None:
    """A card's or merchant's history with the balance after each event.

    Exit status 2 when the merchant has no card with that code.
    """
    status = run(merchant, code, as_of, fmt, ctx.obj or sys.stdout)
    if status:
        ctx.exit(status)


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command on `argv` (tests, `python -m`); returns the exit status."""
    status = replay_command.main(
        argv, prog_name="giftledger audit replay", standalone_mode=False, obj=out
    )
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    replay_command(prog_name="python -m scripts.audit_replay")
