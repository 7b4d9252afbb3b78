"""Thread-safe plumbing around the library: the repository and per-key locks."""

from __future__ import annotations

from collections.abc import Hashable
from contextlib import AbstractContextManager, nullcontext
from threading import Lock, RLock
from typing import Any
from uuid import UUID

from eventsourcing.application import Repository


class LockedRepository(Repository[UUID]):
    """The library's repository, copying a cached aggregate under a per-id lock.

    Repository.get fast-forwards the cached aggregate under a lock but deep-copies
    it after releasing that lock, so a thread can copy a card while another thread
    applies new events to it ("dictionary changed size during iteration").
    Serialising the whole get per aggregate id closes that window.
    """

    STRIPES = 64

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stripes = tuple(Lock() for _ in range(self.STRIPES))

    def get(
        self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any
    ) -> Any:
        """An aggregate, as Repository.get; cached reads are serialised per id."""
        if self.cache is None or version is not None:
            return super().get(aggregate_id, version=version, **kwargs)
        with self._stripes[hash(aggregate_id) % self.STRIPES]:
            return super().get(aggregate_id, **kwargs)


class KeyedLocks:
    """A fixed set of re-entrant locks; a key always maps to the same one."""

    def __init__(self, stripes: int = 256) -> None:
        self._locks = tuple(RLock() for _ in range(stripes))

    def __call__(self, key: Hashable | None) -> AbstractContextManager[Any]:
        """The lock of a key, or no lock at all for None."""
        if key is None:
            return nullcontext()
        return self._locks[hash(key) % len(self._locks)]
