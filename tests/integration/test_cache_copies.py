"""The cache keeps a copy of what a command saved, and hands commands copies
(both backends): nothing that holds a saved or read aggregate can change what the
next command reads.
"""

from __future__ import annotations

import pytest

from domain.card_codes import card_id
from domain.origin import Origin
from service.store.ledger import StoredLedger

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True),
    pytest.mark.store,
]
CODE = "77412290000001"


def test_a_saved_card_is_cached_as_a_copy_and_commands_get_copies(
    ledger: StoredLedger,
):
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main", "4057")
    origin = Origin(source="pos")
    ledger.issue_card(merchant.id, CODE, 1_000, "GBP", None, origin)
    saved = ledger.redeem(merchant.id, CODE, 100, "GBP", "4057", None, origin).card
    cached = ledger.cached.get(card_id(merchant.id, CODE), copy=False)
    assert cached is not saved and cached.balance == 900
    # A stray event on the caller's object never reaches the cache.
    saved.redeem("stray", 1, saved.created_on, {"source": "pos"})
    assert ledger.cached.get(cached.id, copy=False).balance == 900
    ledger.redeem(merchant.id, CODE, 50, "GBP", "4057", None, origin)
    card = ledger.cached.get(cached.id, copy=False)
    assert card.balance == 850 and cached.balance == 900  # the old one untouched
    assert ledger.cached.get(card.id) is not card  # a command's own copy
    assert ledger.get_card(merchant.id, CODE)[0].balance == 850
