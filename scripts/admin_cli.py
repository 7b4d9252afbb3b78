"""`giftledger merchants ...` and `giftledger credentials ...` (placeholder)."""

from __future__ import annotations

import click


@click.group("merchants")
def merchants() -> None:
    """Register and inspect merchants."""


@click.group("credentials")
def credentials() -> None:
    """Issue, list and revoke credentials."""
