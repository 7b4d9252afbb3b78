"""The Merchant aggregate: sites, Lightspeed settings and the credentials list."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import (
    CredentialNotFound,
    InvalidRequest,
    SiteNotFound,
    UnknownBusinessLocation,
)
from domain.money import exponent

DEFAULT_LIGHTSPEED: dict[str, Any] = {
    "gift_card_skus": [],
    "payment_method_codes": [],
    "card_reference_prefix": "GIFTCARD",
    "hold_ttl_seconds": 900,
}
# A hold shorter than a payment takes is useless; a longer one locks money for days.
MIN_TTL, MAX_TTL = 30, 86400


class Merchant(Aggregate):
    """A business that sells gift cards, with its sites and integration settings."""

    @event("Registered")
    def __init__(self, name: str, currency: str) -> None:
        self.name = name
        self.currency = currency
        self.sites: dict[str, dict[str, str]] = {}
        self.lightspeed: dict[str, Any] = dict(DEFAULT_LIGHTSPEED)
        self.credentials: dict[str, dict[str, Any]] = {}

    @classmethod
    def register(cls, merchant_id: UUID, name: str, currency: str) -> Merchant:
        """Register a new merchant trading in one currency."""
        exponent(currency)
        if not name.strip():
            raise InvalidRequest("a merchant needs a name", {"name": ["required"]})
        return cls._create(
            cls.Registered,  # type: ignore[attr-defined]  # made by @event
            id=merchant_id,
            name=name,
            currency=currency,
        )

    def add_site(self, site_id: str, name: str, location_id: str) -> None:
        """Map a Lightspeed business location to a new site."""
        if self.site_for_location(location_id, default=None) is not None:
            raise InvalidRequest(
                "that business location is already a site",
                {"lightspeed_business_location_id": ["already mapped to a site"]},
            )
        self._site_added(site_id, name, location_id)

    def rename_site(self, site_id: str, name: str) -> None:
        """Give a site another name (its business location stays)."""
        if site_id not in self.sites:
            raise InvalidRequest(
                "unknown site", {"site_id": ["not a site of the merchant"]}
            )
        if not name.strip():
            raise InvalidRequest("a site needs a name", {"name": ["required"]})
        if self.sites[site_id]["name"] != name.strip():
            self._site_renamed(site_id, name.strip())

    def site_for_location(
        self, location_id: str, default: Any = UnknownBusinessLocation
    ) -> Any:
        """The site id of a Lightspeed business location."""
        for site_id, site in self.sites.items():
            if site["lightspeed_business_location_id"] == location_id:
                return site_id
        if default is UnknownBusinessLocation:
            raise UnknownBusinessLocation(
                "the business location is not a site of this merchant"
            )
        return default

    def configure_lightspeed(self, settings: dict[str, Any]) -> None:
        """Replace the Lightspeed integration settings."""
        merged = {**DEFAULT_LIGHTSPEED, **settings}
        errors = lightspeed_errors(merged)
        if errors:
            raise InvalidRequest("the Lightspeed settings are not valid", errors)
        self._lightspeed_configured(merged)

    def add_credential(self, credential_id: str, kind: str, username: str) -> None:
        """List a newly issued credential (its secret hash lives on the Credential)."""
        self._credential_issued(credential_id, kind, username)

    def add_device(
        self, credential_id: str, username: str, site_id: str, name: str
    ) -> None:
        """List a POS device paired for one of the merchant's sites."""
        if site_id not in self.sites:
            raise SiteNotFound("no site with that id")
        self._device_paired(credential_id, username, site_id, name)

    def revoke_credential(self, credential_id: str) -> None:
        """Mark a credential revoked in the list."""
        cred = self.credentials.get(credential_id)
        if cred is None:
            raise CredentialNotFound("no credential with that id")
        if not cred["revoked"]:
            self._credential_revoked(credential_id)

    @event("SiteAdded")
    def _site_added(self, site_id: str, name: str, location_id: str) -> None:
        self.sites[site_id] = {
            "name": name,
            "lightspeed_business_location_id": location_id,
        }

    @event("SiteRenamed")
    def _site_renamed(self, site_id: str, name: str) -> None:
        self.sites[site_id] = {**self.sites[site_id], "name": name}

    @event("LightspeedConfigured")
    def _lightspeed_configured(self, settings: dict[str, Any]) -> None:
        self.lightspeed = settings

    @event("CredentialIssued")
    def _credential_issued(self, credential_id: str, kind: str, username: str) -> None:
        self.credentials[credential_id] = {
            "kind": kind,
            "username": username,
            "created_at": self.modified_on,
            "revoked": False,
        }

    @event("DevicePaired")
    def _device_paired(
        self, credential_id: str, username: str, site_id: str, name: str
    ) -> None:
        self.credentials[credential_id] = {
            "kind": "device",
            "username": username,
            "created_at": self.modified_on,
            "revoked": False,
            "site_id": site_id,
            "name": name,
        }

    @event("CredentialRevoked")
    def _credential_revoked(self, credential_id: str) -> None:
        self.credentials[credential_id]["revoked"] = True


def lightspeed_errors(settings: dict[str, Any]) -> dict[str, list[str]]:
    """Every bad field of Lightspeed settings (a stored setting must be usable)."""
    errors: dict[str, list[str]] = {}
    for field in sorted(set(settings) - set(DEFAULT_LIGHTSPEED)):
        errors[field] = ["unknown field"]
    for field in ("gift_card_skus", "payment_method_codes"):
        value = settings[field]
        if not isinstance(value, list) or not all(
            isinstance(v, str) and v.strip() for v in value
        ):
            errors[field] = ["must be a list of non-empty strings"]
    prefix = settings["card_reference_prefix"]
    if not isinstance(prefix, str) or not prefix.strip():
        errors["card_reference_prefix"] = ["must be a non-empty string"]
    ttl = settings["hold_ttl_seconds"]
    if (
        isinstance(ttl, bool)
        or not isinstance(ttl, int)
        or not MIN_TTL <= ttl <= MAX_TTL
    ):
        errors["hold_ttl_seconds"] = [f"must be an integer from {MIN_TTL} to {MAX_TTL}"]
    return errors
