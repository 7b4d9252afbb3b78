"""Lightspeed receipt commands (placeholder, filled in by the RTN work)."""

from __future__ import annotations

from domain.ledger_core import LedgerCore


class ReceiptCommands(LedgerCore):
    """Apply a translated Lightspeed receipt in one atomic save."""
