"""`giftledger audit replay`: a card's (or a merchant's) history from the events.

Reads the events themselves, never the projections, and prints every event with
the balance after it: a table for people, JSON lines or CSV for auditors' tools.
`--as-of` stops at a moment, giving the state then.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any, TextIO
from uuid import UUID

import click
from tqdm import tqdm

from domain.time_bounds import RANGE_TEXT, in_range
from projections.events import EventSource
from projections.failure import ProjectionFailed
from projections.replay import NoSuchCard, replay_card, replay_merchant
from scripts.replay_output import write_rows, write_table
from scripts.store import require_store
from service.config import Config, ledger_env
from service.store.ledger import StoredLedger


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
            if str(error).startswith("must be"):  # an ISO moment out of range
                self.fail(f"{value!r} {error}", param, ctx)
            self.fail(f"{value!r} is not an ISO 8601 moment", param, ctx)


def run(
    merchant: UUID, code: str | None, as_of: datetime | None, fmt: str, out: TextIO
) -> int:
    """Replay and print; 2 when the card does not exist."""
    config = Config.from_env()
    require_store(config)
    code = sys.stdin.readline().strip() if code == "-" else code
    ledger = StoredLedger(env=ledger_env(config))
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
