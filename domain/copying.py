"""A fast copy for small aggregates the ledger reads on every request."""

from __future__ import annotations

from collections import ChainMap
from typing import Any


def plain_copy(value: Any) -> Any:
    """Copy JSON-like state: new dicts, lists and sets; anything else is shared.

    Aggregate state holds only these containers and immutable values (str, int,
    UUID, datetime, frozen events), so this is a deep copy without the memo and
    `__reduce_ex__` work of copy.deepcopy, which cost ~1.5 ms per request.
    """
    if isinstance(value, dict):
        return {k: plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_copy(v) for v in value]
    if isinstance(value, set):
        return {plain_copy(v) for v in value}
    return value


class FastCopy:
    """Mixin: the repository's copy of a cached aggregate, via plain_copy."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        clone = object.__new__(type(self))
        memo[id(self)] = clone
        clone.__dict__.update(plain_copy(self.__dict__))
        return clone


# A layer of writes is folded into a new base once it holds this many entries.
FLATTEN_AT = 256


def fork_layers(value: Any) -> tuple[ChainMap[Any, Any], ChainMap[Any, Any]]:
    """Split a map into (the original's new form, a clone), sharing frozen layers.

    Both come back as ChainMaps whose first layer takes the writes; every layer
    after the first is frozen (no one writes to it again), so the two never see
    each other's writes. The clone costs a copy of the original's write layer
    (at most FLATTEN_AT entries), not of the whole map: the cost of copying a card
    no longer grows with its history. Folding layers (O(size), once per
    FLATTEN_AT writes) keeps lookups short.
    """
    if isinstance(value, ChainMap):
        own, frozen = value.maps[0], list(value.maps[1:])
    else:
        own, frozen = {}, [value]
    if len(own) > FLATTEN_AT or len(frozen) > 2:
        # Fold the small layers above the base into one; fold that into the base
        # (O(size)) only once it holds FLATTEN_AT entries. Folding the base every
        # time made each copy O(history) again when copies of copies were taken.
        base = frozen[-1]
        recent: dict[Any, Any] = {}
        for layer in reversed(frozen[:-1]):
            recent.update(layer)
        recent.update(own)
        if len(recent) > FLATTEN_AT:
            base = {**base, **recent}
            recent = {}
        own, frozen = {}, [recent, base] if recent else [base]
    original = ChainMap(own, *frozen)
    clone = ChainMap({}, dict(own), *frozen) if own else ChainMap({}, *frozen)
    return original, clone
