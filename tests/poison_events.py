"""Write events into a store as an older or buggy writer would have, bypassing checks.

Through the library's own mapper and recorder (the stored schema is the real
one), so the projector, the rebuild and the audit meet exactly what an old store
may already hold.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.card_codes import card_id, mask
from domain.giftcard import GiftCard
from domain.ledger import Ledger
from domain.origin import Origin

YEAR_10000 = "9999-12-31T23:59:59-14:00"  # year 10000 once in UTC
YEAR_0 = "0001-01-01T00:00:00+14:00"  # year 0 once in UTC


def issued_event(ledger: Ledger, merchant_id: UUID, code: str, **changes: Any) -> Any:
    """A card's Issued event as the ledger makes it, with `changes` applied."""
    when = ledger.clock().isoformat()
    origin = Origin(source="admin", actor="old-writer", occurred_at=when).as_event()
    issued = GiftCard.issue(
        card_id(merchant_id, code), merchant_id, mask(code), "GBP", 100, None, origin
    )
    return dataclasses.replace(issued.collect_events()[0], **changes)


def store(ledger: Ledger, event: Any) -> int:
    """Insert one event through the recorder; returns its notification id."""
    stored = ledger.mapper.to_stored_event(event)
    ledger.recorder.insert_events([stored])
    head = ledger.recorder.max_notification_id()
    assert head is not None
    return head


def store_card_expiring(
    ledger: Ledger, merchant_id: UUID, code: str, expires_at: str
) -> int:
    """An Issued event with an expiry the ledger refuses today (an old store's)."""
    moment = datetime.fromisoformat(expires_at)
    return store(ledger, issued_event(ledger, merchant_id, code, expires_at=moment))


def store_unappliable(ledger: Ledger, merchant_id: UUID, code: str) -> int:
    """An Issued event no read model can apply: its amount is text, not an int."""
    return store(ledger, issued_event(ledger, merchant_id, code, amount="100"))
