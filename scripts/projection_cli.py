"""`giftledger projections ...` and `giftledger audit ...` (placeholder)."""

from __future__ import annotations

import click


@click.group("projections")
def projections() -> None:
    """Run and rebuild the read models."""


@click.group("audit")
def audit() -> None:
    """Replay and verify the event history."""
