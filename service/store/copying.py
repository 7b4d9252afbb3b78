"""A fast copy for small aggregates the ledger reads on every request."""

from __future__ import annotations

from collections import ChainMap
from typing import Any


class SealedAggregateError(RuntimeError):
    """An event was triggered on an aggregate already saved and shared by the cache."""


class Sealable:
    """Mixin: refuses new events once sealed, so the cache can keep the very object
    a command saved instead of a copy of it (a command gets its own copy anyway).

    The mark is a slot, not an attribute: copies, snapshots and equality, which all
    go by `__dict__`, never see it.
    """

    __slots__ = ("_sealed",)
    _sealed: bool

    def trigger_event(self, *args: Any, **kwargs: Any) -> None:
        """The library's trigger_event, refused on a sealed aggregate."""
        try:
            sealed = self._sealed
        except AttributeError:  # made by the library, not copied: never sealed
            sealed = False
        if sealed:
            raise SealedAggregateError(f"{type(self).__name__} {self!r} was saved")
        super().trigger_event(*args, **kwargs)  # type: ignore[misc]


def seal(aggregate: Any) -> None:
    """Mark a saved aggregate as shared: no event may change it any more."""
    if isinstance(aggregate, Sealable):
        aggregate._sealed = True


def is_sealed(aggregate: Any) -> bool:
    """Whether the aggregate was saved and is shared (its copies never are)."""
    return bool(getattr(aggregate, "_sealed", False))


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


class FastCopy(Sealable):
    """Mixin: the repository's copy of a cached aggregate, via plain_copy."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        clone = object.__new__(type(self))
        clone._sealed = False
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
