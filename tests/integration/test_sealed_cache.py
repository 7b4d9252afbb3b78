"""The cache keeps the very aggregates a command saved, sealed (both backends).

A command works on its own copy; what it saved becomes the cache's copy and no
event may change it after, so nothing that holds it can change what the next
command reads.
"""

from __future__ import annotations

import pytest

from domain.card_codes import card_id
from domain.copying import SealedAggregateError, is_sealed
from domain.ledger import Ledger
from domain.origin import Origin

pytestmark = pytest.mark.parametrize(
    "database_url", ["sqlite", "postgres"], indirect=True
)
CODE = "77412290000001"


def test_a_saved_card_is_the_cached_one_sealed_and_commands_get_copies(ledger: Ledger):
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main", "4057")
    origin = Origin(source="pos")
    ledger.issue_card(merchant.id, CODE, 1_000, "GBP", None, origin)
    ledger.redeem(merchant.id, CODE, 100, "GBP", "4057", None, origin)
    cached = ledger.cached.get(card_id(merchant.id, CODE), copy=False)
    assert is_sealed(cached) and cached.balance == 900
    with pytest.raises(SealedAggregateError):
        cached.redeem("stray", 1, cached.created_on, {"source": "pos"})
    ledger.redeem(merchant.id, CODE, 50, "GBP", "4057", None, origin)
    card = ledger.cached.get(cached.id, copy=False)
    assert card.balance == 850 and cached.balance == 900  # the old one untouched
    assert is_sealed(card) and not is_sealed(ledger.cached.get(card.id))
    assert ledger.get_card(merchant.id, CODE)[0].balance == 850
