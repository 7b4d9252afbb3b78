"""Location claims: which merchant a Lightspeed business location id belongs to."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

LOCATION_NAMESPACE = uuid5(NAMESPACE_URL, "urn:giftledger:lightspeed-location")


def claim_id(location_id: str) -> UUID:
    """The claim's aggregate id: derived from the location id, one per location."""
    return uuid5(LOCATION_NAMESPACE, location_id)


class LocationClaim(Aggregate):
    """A business location id taken by one merchant's site; saved with the site.

    Its id derives from the location id, so two merchants adding the same
    location race on one aggregate's first version: the store lets one win.
    """

    @event("Created")
    def __init__(self, merchant_id: UUID, location_id: str) -> None:
        self.merchant_id = merchant_id
        self.location_id = location_id

    @classmethod
    def create(cls, merchant_id: UUID, location_id: str) -> LocationClaim:
        """The claim of a location by a merchant."""
        return cls._create(
            cls.Created,
            id=claim_id(location_id),
            merchant_id=merchant_id,
            location_id=location_id,
        )
