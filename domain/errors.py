"""Domain errors; each maps one-to-one onto an API error code."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every refusal the ledger can give; `code` is the API code."""

    code = "ledger_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail or self.code.replace("_", " ")


class InvalidRequest(LedgerError):
    """A command was malformed; `errors` maps each bad field to its messages."""

    code = "invalid_request"

    def __init__(self, detail: str = "", errors: dict[str, list[str]] | None = None):
        super().__init__(detail or "the request is not valid")
        self.errors = errors or {}


class InvalidAmount(LedgerError):
    """An amount is not a positive integer of minor units the currency can hold."""

    code = "invalid_amount"


class InvalidCurrency(LedgerError):
    """A currency is not a supported ISO 4217 code."""

    code = "invalid_currency"


class Unauthorized(LedgerError):
    """No valid credential was presented."""

    code = "unauthorized"


class Forbidden(LedgerError):
    """A valid credential of the wrong kind or scope."""

    code = "forbidden"


class NotFound(LedgerError):
    """Base of the not-found errors."""

    code = "not_found"


class CardNotFound(NotFound):
    """No card with that code exists for this merchant."""

    code = "card_not_found"

    def __init__(self, detail: str = "") -> None:
        # One message whatever the cause, so a caller learns nothing else.
        super().__init__("no gift card with that code exists for this merchant")


class HoldNotFound(NotFound):
    """No hold with that id exists for this merchant."""

    code = "hold_not_found"


class RedemptionNotFound(NotFound):
    """No redemption with that id exists for this merchant."""

    code = "redemption_not_found"


class MerchantNotFound(NotFound):
    """No merchant with that id (or not visible to this credential)."""

    code = "merchant_not_found"


class CredentialNotFound(NotFound):
    """No credential with that id for this merchant."""

    code = "credential_not_found"


class Conflict(LedgerError):
    """Base of the state conflicts."""

    code = "conflict"


class CardNotActive(Conflict):
    """The card is blocked, voided or expired."""

    code = "card_not_active"


class HoldAlreadyResolved(Conflict):
    """The hold was already captured, released or expired."""

    code = "hold_already_resolved"


class IdempotencyKeyReused(Conflict):
    """The idempotency key was used before with a different request."""

    code = "idempotency_key_reused"


class CardCodeTaken(Conflict):
    """A card with that code already exists for this merchant."""

    code = "card_code_taken"


class BusinessLocationTaken(Conflict):
    """Another merchant's site already has that Lightspeed business location."""

    code = "business_location_taken"


class Unprocessable(LedgerError):
    """Base of the business-rule refusals."""

    code = "unprocessable"


class InsufficientFunds(Unprocessable):
    """The card's available balance does not cover the amount."""

    code = "insufficient_funds"


class CurrencyMismatch(Unprocessable):
    """The amount's currency is not the card's."""

    code = "currency_mismatch"


class RefundExceedsRedemption(Unprocessable):
    """A refund would return more than the redemption took."""

    code = "refund_exceeds_redemption"


class UnknownBusinessLocation(Unprocessable):
    """The Lightspeed business location is not a site of the merchant."""

    code = "unknown_business_location"


class ServiceUnavailable(LedgerError):
    """The event store cannot be reached."""

    code = "service_unavailable"


class SiteNotFound(NotFound):
    """No site with that id at this merchant."""

    code = "site_not_found"


class DeviceNotFound(NotFound):
    """No paired POS device with that id at this merchant."""

    code = "device_not_found"


class PairingCodeInvalid(Unprocessable):
    """A pairing code that does not exist, was used already or has expired."""

    code = "pairing_code_invalid"
