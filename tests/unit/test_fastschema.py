"""The fast schema paths give exactly what marshmallow gives: results and errors."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields, post_load, validate

from service.admin import schemas as schemas_admin
from service.http.fastschema import fast_dump, fast_load
from service.http.schemas import CardSchema, CodePath, _instance
from service.lightspeed import answers
from service.lightspeed.schema import _RECEIPT_SCHEMA
from service.pos import schemas as schemas_pos
from service.reads import schemas as read_schemas
from tests.lightspeed_support import SAMPLES

HOT = [
    schemas_pos.RedemptionCreate,
    schemas_pos.HoldCreate,
    schemas_pos.RefundCreate,
    schemas_pos.CaptureRequest,
    schemas_pos.ReleaseRequest,
    CodePath,
]
LOADED = [
    *HOT,
    *(getattr(schemas_admin, n) for n in ("CardCreate", "AdjustmentCreate")),
    *(getattr(schemas_admin, n) for n in ("MerchantCreate", "SiteCreate")),
    schemas_admin.CredentialCreate,
    answers.ResolveRequest,
    read_schemas.ActivityQuery,
]
DUMPED = [
    schemas_pos.RedemptionSchema,
    schemas_pos.HoldPlacedSchema,
    schemas_pos.HoldAnswer,
    schemas_pos.RefundAnswer,
    CardSchema,
    schemas_admin.MerchantSchema,
]
ODD = st.sampled_from([" ", "", "GBP", "gbp", "EUR", "x" * 65, "x" * 129, "1500"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.sampled_from([0, 1, 1500, 10**12, -1, 2**63]),
    st.floats(allow_nan=True),
    st.decimals(allow_nan=True, places=2),
    st.text(max_size=70),
    ODD,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner),
    max_leaves=6,
)


def plausible(field: fields.Field[Any]) -> st.SearchStrategy[Any]:
    """Values that often pass the field, and sometimes just miss."""
    for check in field.validators:
        if isinstance(check, validate.OneOf):
            return st.sampled_from([*check.choices, "gbp"])
    if isinstance(field, fields.Integer):
        edges = [10**15, 10**15 + 1, -(10**15), 1.0]
        return st.integers(-2, 600) | st.sampled_from(edges)
    if isinstance(field, fields.DateTime):
        return st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat)
    if isinstance(field, fields.String):
        return st.from_regex(r"[A-Za-z0-9_-]{1,70}", fullmatch=True) | ODD
    return SCALARS


def outcome(run: Any) -> tuple[str, Any]:
    """What a call gives: its result as JSON (keys in order) or its error."""
    try:
        result = run()
    except ValidationError as error:
        return "invalid", error.messages
    except Exception as error:  # both paths must fail alike
        return type(error).__name__, str(error)
    return "ok", json.dumps(result, default=repr)


def assert_same_load(schema: Schema, data: Any) -> None:
    """fast_load and marshmallow agree on `data`."""
    fast = outcome(lambda: fast_load(schema, data))
    assert fast == outcome(lambda: schema.load(data))


@pytest.mark.parametrize("schema_class", LOADED, ids=lambda c: c.__name__)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_load_matches_marshmallow(schema_class: type[Schema], data: Any) -> None:
    """Random bodies over the schema's own fields, valid and not."""
    schema = _instance(schema_class)
    names = [f.data_key or n for n, f in schema.load_fields.items()]
    keys = st.sampled_from([*names, "unknown"]) if names else st.just("unknown")
    valid = {
        f.data_key or n: data.draw(plausible(f)) for n, f in schema.load_fields.items()
    }
    body = data.draw(st.dictionaries(keys, SCALARS | VALUES, max_size=len(names) + 1))
    choice = data.draw(st.integers(0, 2))
    assert_same_load(schema, [valid, {**valid, **body}, body][choice])


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("rtn-*.json")))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_receipt_load_matches_marshmallow(sample: str, data: Any) -> None:
    """The shared RTN samples, with random leaves replaced."""
    text = (SAMPLES / sample).read_text()
    receipt = json.loads(text, parse_float=Decimal)
    assert fast_load(_RECEIPT_SCHEMA, receipt) == _RECEIPT_SCHEMA.load(receipt)
    for _ in range(data.draw(st.integers(0, 4))):
        node, key = _pick(receipt, data)
        node[key] = data.draw(VALUES)
    assert_same_load(_RECEIPT_SCHEMA, receipt)


ODD_AMOUNTS = ["NaN", "sNaN", "Infinity", "-Infinity", "1E+2", "-0.00", 5, True, "1.5"]


@pytest.mark.parametrize("amount", ODD_AMOUNTS)
def test_receipt_amounts_match_marshmallow(amount: Any) -> None:
    """Special and odd amounts on every line of a receipt."""
    receipt = json.loads(
        (SAMPLES / "rtn-giftcard-payment-close.json").read_text(), parse_float=Decimal
    )
    value = Decimal(amount) if isinstance(amount, str) else amount
    for line in receipt["account"]["paymentLines"]:
        line["amount"] = value
    assert_same_load(_RECEIPT_SCHEMA, receipt)


def _pick(node: Any, data: Any) -> tuple[Any, Any]:
    """A random (container, key) inside a JSON document."""
    while True:
        keys = list(range(len(node))) if isinstance(node, list) else list(node)
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if not child or not isinstance(child, dict | list) or data.draw(st.booleans()):
            return node, key
        node = child


@pytest.mark.parametrize("schema_class", DUMPED, ids=lambda c: c.__name__)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_dump_matches_marshmallow(schema_class: type[Schema], data: Any) -> None:
    """Answers with values of the right types, of odd ones, and missing keys."""
    schema = _instance(schema_class)
    answer = _answer(schema, data)
    assert outcome(lambda: fast_dump(schema, answer)) == outcome(
        lambda: schema.dump(answer)
    )


DUMP_VALUES = {
    fields.String: st.text(max_size=5) | st.none() | st.integers(),
    fields.Integer: st.integers() | st.none() | st.booleans(),
    fields.UUID: st.uuids() | st.none(),
    fields.AwareDateTime: st.datetimes(timezones=st.just(UTC)) | st.none(),
}


def _answer(schema: Schema, data: Any) -> dict[str, Any]:
    """A random answer for `schema`; some keys left out."""
    out: dict[str, Any] = {}
    for name, field in schema.dump_fields.items():
        if data.draw(st.integers(0, 9)) == 0:
            continue
        if isinstance(field, fields.Nested):
            nested = data.draw(st.booleans())
            out[name] = _answer(field.schema, data) if nested else None
        else:
            out[name] = data.draw(DUMP_VALUES.get(type(field), st.text(max_size=3)))
    return out


class Hooked(Schema):
    """A schema the fast path must leave alone (a post_load hook)."""

    amount = fields.Integer(validate=validate.Range(min=1))

    @post_load
    def double(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """Change the loaded data, so skipping the hook would show."""
        return {"amount": data["amount"] * 2}


def test_hooks_are_left_to_marshmallow() -> None:
    """A schema with hooks is loaded by marshmallow itself."""
    assert fast_load(Hooked(), {"amount": 2}) == {"amount": 4}


def test_the_hot_schemas_are_fast() -> None:
    """Nothing in the hot schemas silently turns the fast path off."""
    for schema in [*(_instance(c) for c in HOT), _RECEIPT_SCHEMA]:
        outcome(lambda: fast_load(schema, {}))  # noqa: B023 - called at once
        assert vars(schema)[f"_giftledger_fast_load_{schema.unknown}"] is not None
    for schema in (_instance(c) for c in DUMPED):
        fast_dump(schema, {})
        assert vars(schema)["_giftledger_fast_dump"] is not None


def test_a_card_answer_is_the_same() -> None:
    """A typical card, through both paths."""
    card = {
        "masked_code": "****0001",
        "merchant_id": uuid.uuid4(),
        "currency": "GBP",
        "balance": 1500,
        "held": 0,
        "available": 1500,
        "state": "active",
        "expires_at": None,
        "issued_at": datetime(2026, 1, 1, tzinfo=UTC),
        "version": 3,
    }
    schema = _instance(CardSchema)
    assert fast_dump(schema, card) == schema.dump(card)
