"""Memoised derivations of aggregate ids: the store's speed-up of a pure function.

A card's id is a uuid5 of its merchant and code (domain/card_codes.py); one
request derives it in the read-ahead and again in its command. The domain keeps
the function pure and names it as a hook (`LedgerCore.card_id`); the store
plugs this memo in. An id derived from its arguments can never be stale.
"""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID

from domain.card_codes import MAX_CODE_LENGTH, card_id


def memoised_card_id(merchant_id: UUID, code: str) -> UUID:
    """The card's aggregate id; codes the API accepts are remembered (4,096)."""
    if len(code) <= MAX_CODE_LENGTH:  # a longer one is never kept
        return _remembered(merchant_id, code)
    return card_id(merchant_id, code)


@lru_cache(maxsize=4096)
def _remembered(merchant_id: UUID, code: str) -> UUID:
    return card_id(merchant_id, code)
