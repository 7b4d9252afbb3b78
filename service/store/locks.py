"""Per-key locks: commands on one card take turns within a process."""

from __future__ import annotations

from collections.abc import Hashable
from contextlib import AbstractContextManager, nullcontext
from threading import RLock
from typing import Any


class KeyedLocks:
    """A fixed set of re-entrant locks; a key always maps to the same one."""

    def __init__(self, stripes: int = 256) -> None:
        self._locks = tuple(RLock() for _ in range(stripes))

    def __call__(self, key: Hashable | None) -> AbstractContextManager[Any]:
        """The lock of a key, or no lock at all for None."""
        if key is None:
            return nullcontext()
        return self._locks[hash(key) % len(self._locks)]
