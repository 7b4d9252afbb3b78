"""Pointers: public ids (holds, redemptions) that lead to the card they belong to."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event


class Pointer(Aggregate):
    """Maps a hold or redemption id to its merchant and card; saved with the card."""

    @event("Created")
    def __init__(self, merchant_id: UUID, card_id: UUID, kind: str) -> None:
        self.merchant_id = merchant_id
        self.card_id = card_id
        self.kind = kind

    @classmethod
    def create(
        cls, pointer_id: UUID, merchant_id: UUID, card_id: UUID, kind: str
    ) -> Pointer:
        """A new pointer with the given public id."""
        return cls._create(
            cls.Created,
            id=pointer_id,
            merchant_id=merchant_id,
            card_id=card_id,
            kind=kind,
        )
