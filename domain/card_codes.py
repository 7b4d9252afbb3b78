"""Card codes: the aggregate id a code derives, and the printable masked form."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

CARD_NAMESPACE = uuid5(NAMESPACE_URL, "urn:giftledger:card")
MAX_CODE_LENGTH = (
    64  # the API refuses longer codes (CARD_CODE_PATTERN in service.http.field_types)
)


def card_id(merchant_id: UUID, code: str) -> UUID:
    """The card's aggregate id: derived, so a look-up by code needs no index."""
    return uuid5(CARD_NAMESPACE, f"{merchant_id}/{code}")


def mask(code: str) -> str:
    """The printable form of a card code: only the last four characters."""
    return "****" + code[-4:]
