"""The states of a card and of a hold, as stored in events and snapshots."""

ACTIVE, BLOCKED, VOIDED, EXPIRED = "active", "blocked", "voided", "expired"
OPEN, CAPTURED, RELEASED = "open", "captured", "released"
