"""Operator scripts; each has `main(argv) -> int` and a `giftledger` subcommand."""
