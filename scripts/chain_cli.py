"""The chain's `giftledger audit ...` subcommands, added to the audit group."""

from __future__ import annotations

from collections.abc import Callable

import click

PASS_THROUGH = {"ignore_unknown_options": True, "help_option_names": []}


def _passing(name: str, doc: str, main: Callable[[list[str]], int]) -> click.Command:
    @click.command(name, context_settings=PASS_THROUGH, help=doc)
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def command(args: tuple[str, ...]) -> None:
        raise SystemExit(main(list(args)))

    return command


def _chain(name: str) -> Callable[[list[str]], int]:
    def run(args: list[str]) -> int:
        from scripts.audit_chain import main

        return main([name, *args])

    return run


def _proof(args: list[str]) -> int:
    from scripts.audit_proof import main

    return main(args)


def _follow(args: list[str]) -> int:
    from scripts.chain_follow import main

    return main(args)


def add_chain_commands(audit: click.Group) -> None:
    """keygen, checkpoint, verify-chain, proof and chain-follow."""
    for name, doc, main in (
        ("keygen", "Make the Ed25519 checkpoint key (GIFTLEDGER_CHAIN_KEY).",
         _chain("keygen")),
        ("checkpoint", "Verify the chain from event 1, then sign and store its head.",
         _chain("checkpoint")),
        ("verify-chain", "Recompute the hash chain from the events; exit 0 = intact.",
         _chain("verify-chain")),
        ("proof", "Write a merchant's events with inclusion proofs (-o proof.json).",
         _proof),
        ("chain-follow", "Append a link for every new event until SIGTERM.", _follow),
    ):  # fmt: skip
        audit.add_command(_passing(name, doc, main))
