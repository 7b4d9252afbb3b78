"""The RTN receipt as Lightspeed sends it: only the fields we use, the rest ignored."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from domain.errors import InvalidRequest
from service.http import strict_json
from service.http.fastschema import fast_load

NOTIFICATION_TYPES = ("OPEN", "UPDATE", "CLOSE")


class LightspeedId(fields.Field[str]):
    """An id Lightspeed sends as a JSON integer (or a string of one): kept as text."""

    default_error_messages = {"invalid": "must be an integer id or a short string"}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and 0 < len(value.strip()) <= 64:
            return value.strip()
        raise self.make_error("invalid")


class JsonNumber(fields.Decimal):
    """A JSON number, exact: `"12.50"` (a string) is refused.

    Lightspeed sends amounts as JSON numbers; a string is not what it sends, and
    reading it as money would be a guess.
    """

    default_error_messages = {"not_number": "must be a JSON number, not a string"}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str | bool):
            raise self.make_error("not_number")
        return super()._deserialize(value, attr, data, **kwargs)


def Amount(**kwargs: Any) -> fields.Decimal:
    """A decimal amount of major units, exact (parsed from JSON as a Decimal)."""
    return JsonNumber(allow_nan=False, allow_none=True, load_default=None, **kwargs)


def Nullable(field: type[fields.Field[Any]], **kwargs: Any) -> fields.Field[Any]:
    """A field that may be missing or null."""
    return field(allow_none=True, load_default=None, **kwargs)


class _Lenient(Schema):
    class Meta:
        # Lightspeed adds fields over time: accept them, use only what we know.
        unknown = EXCLUDE


class ExternalReferenceSchema(_Lenient):
    """An account's external reference (`prefix` + `reference`)."""

    prefix = Nullable(fields.String)
    reference = Nullable(fields.String)


class TransactionLineSchema(_Lenient):
    """A sold (or, negative, refunded) item."""

    id = LightspeedId(required=True)
    amount = Amount()
    quantity = Amount()
    itemSku = Nullable(fields.String)
    active = fields.Boolean(allow_none=True, load_default=True)


class PaymentLineSchema(_Lenient):
    """A payment (or, negative, a refund to the payer)."""

    id = LightspeedId(required=True)
    amount = Amount()
    currencyCode = Nullable(fields.String)
    paymentMethod = Nullable(fields.String)
    externalReference = Nullable(fields.String)
    active = fields.Boolean(allow_none=True, load_default=True)


def _lines(schema: type[Schema]) -> fields.List[Any]:
    return fields.List(fields.Nested(schema), allow_none=True, load_default=list)


class AccountSchema(_Lenient):
    """The POS account (the receipt itself)."""

    id = LightspeedId(required=True)
    businessLocationId = Nullable(LightspeedId)
    currencyCode = Nullable(fields.String)
    cancelled = fields.Boolean(allow_none=True, load_default=False)
    originAccountId = Nullable(LightspeedId)
    transactionLines = _lines(TransactionLineSchema)
    paymentLines = _lines(PaymentLineSchema)
    externalReferences = _lines(ExternalReferenceSchema)


class RtnReceiptSchema(_Lenient):
    """A real-time notification: a receipt snapshot of one account."""

    notificationType = fields.String(
        required=True, validate=validate.OneOf(NOTIFICATION_TYPES)
    )
    businessLocationId = Nullable(LightspeedId)
    account = fields.Nested(AccountSchema, required=True)
    retryCounter = Nullable(fields.Integer, strict=True)


# Built once: a Schema() deep-copies its nested fields, too costly per request.
_RECEIPT_SCHEMA = RtnReceiptSchema()


def parse_receipt(raw: bytes) -> dict[str, Any]:
    """The receipt in a raw body; numbers kept exact; 400 if it is not one."""
    body = strict_json.parse(raw, exact_numbers=True)
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be a JSON object (an RTN receipt)")
    try:
        receipt: dict[str, Any] = fast_load(_RECEIPT_SCHEMA, body)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        raise InvalidRequest(
            "the body is not an RTN receipt", _flatten(messages)
        ) from None
    account = receipt["account"]
    top, inner = receipt["businessLocationId"], account["businessLocationId"]
    if top is not None and inner is not None and top != inner:
        # Which site took the money? Either answer is a guess: refuse the receipt.
        raise InvalidRequest(
            "the receipt names two business locations",
            {"account.businessLocationId": ["differs from businessLocationId"]},
        )
    location = top or inner
    if location is None:
        raise InvalidRequest(
            "the receipt names no business location",
            {"businessLocationId": ["Missing data for required field."]},
        )
    receipt["businessLocationId"] = location
    return receipt


def _flatten(messages: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages as `account.paymentLines.0.amount` keys."""
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = (
                [str(v) for v in value] if isinstance(value, list) else [str(value)]
            )
    return flat
