"""A paired POS device acts for its own site only: its business location, its holds."""

from __future__ import annotations

from domain.errors import Forbidden
from service.http.auth import Principal, ledger

ELSEWHERE = "this device is paired with another business location"


def device_location(principal: Principal) -> str | None:
    """The business location of a device's site (None for any other caller)."""
    if principal.kind != "device" or principal.merchant_id is None:
        return None
    merchant = ledger().merchant(principal.merchant_id, copy=False)
    site = merchant.sites.get(principal.site_id or "")
    if site is None:
        raise Forbidden(ELSEWHERE)
    return site["lightspeed_business_location_id"]


def check_location(principal: Principal, location_id: str) -> None:
    """Refuse a device naming a business location other than its site's."""
    own = device_location(principal)
    if own is not None and own != location_id:
        raise Forbidden(ELSEWHERE)


def check_hold(principal: Principal, hold_id: str) -> None:
    """Refuse a device touching a hold placed at another business location.

    A hold that does not exist is left to the command (404 hold_not_found).
    """
    own = device_location(principal)
    if own is None or principal.merchant_id is None:
        return
    card_uuid = ledger().pointed_card_id(principal.merchant_id, hold_id, {"hold"})
    if card_uuid is None:
        return
    card = ledger().card_by_id(principal.merchant_id, card_uuid)
    if card.holds[hold_id]["location_id"] != own:
        raise Forbidden(ELSEWHERE)
