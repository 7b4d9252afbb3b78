"""The ledger's reads and saves: one query per scope, a cache that is never stale.

See docs/domain.md (Concurrency): what a request or a command reads is read from
the store in one query and kept in its scope (FRESH); saves update the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.utils import strtobool

from domain.accounts import PosAccount
from domain.card_codes import card_id
from domain.credentials import Credential, parse_username
from domain.giftcard import GiftCard
from domain.merchant import Merchant
from domain.repository import FRESH, LockedRepository
from domain.snapshots import BackgroundSnapshots

# What a request will read besides its caller, given the caller's merchant.
Reads = Callable[[Merchant], Iterable[UUID]]
# Aggregates used again and again; pointers and receipts are written once, read rarely.
CACHED_ON_SAVE = (GiftCard, Merchant, Credential, PosAccount)


class ScopedStore(BackgroundSnapshots):
    """Look-ups and saves through the LockedRepository and the read scope."""

    @property
    def cached(self) -> LockedRepository:
        """The repository, with its multi-aggregate fast-forward."""
        return cast("LockedRepository", self.repository)

    def construct_repository(self) -> Repository[UUID]:
        """The library's repository settings, in the thread-safe subclass."""
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        flag = self.env.get
        return LockedRepository(
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=strtobool(flag(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            fastforward_skipping=strtobool(
                flag(self.AGGREGATE_CACHE_FASTFORWARD_SKIPPING, "n")
            ),
            deepcopy_from_cache=strtobool(
                flag(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")
            ),
        )

    def prefetch(
        self,
        username: str,
        card_code: str | None = None,
        reads: Reads | None = None,
        secret: str = "",
    ) -> None:
        """Read a caller's credential, merchant and card from the store in one query.

        Inside a request scope (the service opens one per request: FRESH), later
        reads of them in the same request need no query of their own. `reads`
        names more of what the request will read, given the (cached) merchant; it
        is only asked once `secret` matches the cached credential, so a stranger's
        request is never looked into.
        """
        parsed = parse_username(username)
        scope = FRESH.get()
        cache = self.repository.cache
        if parsed is None or scope is None or cache is None:
            return
        wanted = [parsed[1]]
        try:
            credential = cache.get(parsed[1])
        except KeyError:
            credential = None
        if isinstance(credential, Credential):
            wanted.append(credential.merchant_id)
            if card_code:
                wanted.append(card_id(credential.merchant_id, card_code))
            if reads is not None and credential.verify(secret):
                try:
                    merchant = cache.get(credential.merchant_id)
                except KeyError:
                    merchant = None
                if isinstance(merchant, Merchant):
                    wanted += reads(merchant)
        scope.update(self.cached.refresh(wanted))

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Save, then remember what was saved: its next use needs no query."""
        recordings = super().save(*objs, **kwargs)
        if self.repository.cache is None:
            return recordings
        scope = FRESH.get()
        for obj in objs:
            if isinstance(obj, CACHED_ON_SAVE):
                # The saved object itself, sealed by keep(): the caller may still
                # read it, never change it; every command works on a copy.
                kept = self.cached.keep(obj)
                if scope is not None:
                    scope[obj.id] = kept
            elif scope is not None and obj is not None:
                scope.pop(obj.id, None)  # read it from the store if asked again
        return recordings

    def get_aggregate(self, aggregate_id: UUID, copy: bool = True) -> Any:
        """An aggregate by id, or None; `copy=False` to read it, never to change it."""
        try:
            return self.cached.get(aggregate_id, copy=copy)
        except AggregateNotFoundError:
            return None
