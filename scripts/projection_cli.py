"""`giftledger projections ...` and `giftledger audit ...`.

Each subcommand but `audit replay` (a click command of its own) hands its
arguments to the script's own `main(argv)`, so `giftledger audit verify --help` and
`python -m scripts.audit_verify --help` agree.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from scripts.audit_replay import replay_command

PASS_THROUGH = {"ignore_unknown_options": True, "help_option_names": []}


def _run(main: Callable[[list[str]], int], args: tuple[str, ...]) -> None:
    raise SystemExit(main(list(args)))


@click.group("projections")
def projections() -> None:
    """Run and rebuild the read models."""


@projections.command("run", context_settings=PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def run(args: tuple[str, ...]) -> None:
    """Follow the events into the read models until SIGTERM (--help for options)."""
    from scripts.run_projector import main

    _run(main, args)


@projections.command("rebuild", context_settings=PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def rebuild(args: tuple[str, ...]) -> None:
    """Rebuild every read model from event 1, verify, swap in (--help for options)."""
    from scripts.rebuild_projections import main

    _run(main, args)


@click.group("audit")
def audit() -> None:
    """Replay and verify the event history."""


audit.add_command(replay_command)


@audit.command("verify", context_settings=PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def verify(args: tuple[str, ...]) -> None:
    """Compare the projections with the events; exit 0 only when they match."""
    from scripts.audit_verify import main

    _run(main, args)
