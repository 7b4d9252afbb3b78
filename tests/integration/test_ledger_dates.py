"""The ledger's own commands refuse dates outside the range and born-expired cards."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.errors import InvalidRequest
from domain.origin import Origin

ORIGIN = Origin(source="admin", actor="test")


def test_a_card_expiring_at_exactly_now_is_refused(ledger, clock):
    merchant = ledger.register_merchant("Clock", "GBP")
    head = ledger.recorder.max_notification_id()
    with pytest.raises(InvalidRequest) as refused:
        ledger.issue_card(merchant.id, "NOW-0001", 100, "GBP", clock(), ORIGIN)
    assert list(refused.value.errors) == ["expires_at"]
    assert ledger.recorder.max_notification_id() == head  # nothing written
    later = clock() + timedelta(microseconds=1)
    outcome = ledger.issue_card(merchant.id, "NOW-0001", 100, "GBP", later, ORIGIN)
    assert outcome.card.expires_at == later


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "2200-01-01T00:00:00+00:00",
    ],
)
def test_the_ledger_refuses_an_expiry_outside_the_range(ledger, moment):
    merchant = ledger.register_merchant("Range", "GBP")
    head = ledger.recorder.max_notification_id()
    with pytest.raises(InvalidRequest) as refused:
        ledger.issue_card(
            merchant.id, "FAR-0001", 100, "GBP", datetime.fromisoformat(moment), ORIGIN
        )
    assert list(refused.value.errors) == ["expires_at"]
    assert ledger.recorder.max_notification_id() == head
