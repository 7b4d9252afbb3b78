"""The index of a Lightspeed account's open holds, so a receipt never scans."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

ACCOUNT_NAMESPACE = uuid5(NAMESPACE_URL, "urn:giftledger:lightspeed-account")


def account_key(merchant_id: UUID, location_id: str, account_id: str) -> UUID:
    """The deterministic id of one POS account (a receipt) of one location."""
    return uuid5(ACCOUNT_NAMESPACE, f"{merchant_id}/{location_id}/{account_id}")


class PosAccount(Aggregate):
    """A Lightspeed account (one receipt) and the holds placed for it."""

    @event("Opened")
    def __init__(self, merchant_id: UUID, location_id: str, account_id: str) -> None:
        self.merchant_id = merchant_id
        self.location_id = location_id
        self.account_id = account_id
        self.holds: dict[str, dict[str, object]] = {}

    @classmethod
    def open(cls, merchant_id: UUID, location_id: str, account_id: str) -> PosAccount:
        """Start the index of one account."""
        return cls._create(
            cls.Opened,  # type: ignore[attr-defined]  # made by @event
            id=account_key(merchant_id, location_id, account_id),
            merchant_id=merchant_id,
            location_id=location_id,
            account_id=account_id,
        )

    @event("HoldAdded")
    def add_hold(self, hold_id: str, card_id: UUID, amount: int) -> None:
        """Remember a hold placed for this account."""
        self.holds[hold_id] = {"card_id": card_id, "amount": amount}

    @event("RedemptionAdded")
    def add_redemption(self, redemption_id: str, card_id: UUID, amount: int) -> None:
        """Remember money the POS took at once for this account (no hold)."""
        self.holds[redemption_id] = {
            "card_id": card_id,
            "amount": amount,
            "kind": "redemption",
        }

    def unsettled(self) -> dict[str, UUID]:
        """Hold (or redemption) id -> card id of what no receipt settled, in order."""
        return {
            hold_id: UUID(str(hold["card_id"]))
            for hold_id, hold in self.holds.items()
            if not hold.get("settled")
        }

    def is_redemption(self, ref: str) -> bool:
        """True when the entry is a direct redemption rather than a hold."""
        return self.holds.get(ref, {}).get("kind") == "redemption"

    def settle(self, hold_ids: list[str]) -> None:
        """Mark holds as dealt with (captured, released or expired) by a receipt."""
        fresh = sorted(h for h in set(hold_ids) if h in self.unsettled())
        if fresh:
            self._settled(fresh)

    @event("HoldsSettled")
    def _settled(self, hold_ids: list[str]) -> None:
        for hold_id in hold_ids:
            self.holds[hold_id]["settled"] = True
