"""Readers and writers of one card share the repository cache without tearing it.

The library fast-forwards a cached aggregate under a lock but deep-copies it after
releasing the lock; with readers copying a card while another thread applies new
events to it, the stock Repository raised "dictionary changed size during
iteration" about once a second here. LockedRepository serialises that per id.
"""

from __future__ import annotations

import threading
import time

import pytest

from domain.ledger import Ledger
from domain.origin import Origin
from service.store.repository import LockedRepository

CODE, LOCATION = "7741229000517777", "4057"


@pytest.mark.store
def test_readers_never_see_a_card_mid_update(ledger: Ledger):
    assert isinstance(ledger.repository, LockedRepository)
    assert ledger.repository.cache is not None
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main", LOCATION)
    ledger.issue_card(merchant.id, CODE, 10**12, "GBP", None, Origin(source="pos"))
    for n in range(100):  # a card with some history makes copies take longer
        ledger.redeem(merchant.id, CODE, 1, "GBP", LOCATION, None,
                      Origin(source="pos", idempotency_key=f"warm-{n}"))  # fmt: skip
    errors: list[BaseException] = []
    written: list[int] = []
    stop = time.monotonic() + 3

    def write() -> None:
        while time.monotonic() < stop:
            try:
                ledger.redeem(merchant.id, CODE, 1, "GBP", LOCATION, None,
                              Origin(source="pos"))  # fmt: skip
                written.append(1)
            except BaseException as error:
                errors.append(error)

    def read() -> None:
        while time.monotonic() < stop:
            try:
                card, _ = ledger.get_card(merchant.id, CODE)
                assert card.balance == 10**12 - len(card.redemptions)
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(2)]
    threads += [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    card = ledger.get_card(merchant.id, CODE)[0]
    assert card.balance == 10**12 - 100 - len(written)
