"""Compiled load plans: Field.deserialize, inline for marshmallow's common fields."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, fields, missing, validate

from service.http.schema_plans import Declined, kept_plan, plain_schema

# Field classes whose _deserialize gives back a value of this exact type as it is.
EXACT = {fields.String: str, fields.Integer: int, fields.Boolean: bool}
# marshmallow's own classes, so none overrides a step: anything else is left to
# the field's public deserialize.
INLINE_LOAD = (*EXACT, fields.Nested, fields.List, fields.Decimal)


def compile_load(schema: Schema, unknown: str | None = None) -> Any:
    """`schema.load` as a plan that raises on any doubt; None when there is none."""
    unknown = unknown or schema.unknown
    if not plain_schema(schema) or unknown not in (RAISE, EXCLUDE):
        return None
    plan = []
    for name, field in schema.load_fields.items():
        if field.attribute and "." in field.attribute:
            return None
        key = field.data_key if field.data_key is not None else name
        plan.append((key, field.attribute or name, field, _loader(field, key)))
    known = frozenset(key for key, *_ in plan)
    strict = unknown == RAISE

    def load(data: Any) -> dict[str, Any]:
        if type(data) is not dict or (strict and not known.issuperset(data)):
            raise Declined
        out = {}
        for key, attr, field, step in plan:
            value = data.get(key, missing)
            if step is None:  # Field.deserialize itself, as Schema calls it
                value = field.deserialize(value, key, data)
            elif value is missing:
                if field.required:
                    raise Declined
                default = field.load_default
                value = default() if callable(default) else default
            elif value is None:
                if not field.allow_none:
                    raise Declined
            else:
                value = step(value, data)
            if value is not missing:
                out[attr] = value
        return out

    return load


def _loader(field: Any, key: str | None) -> Callable[[Any, Any], Any] | None:
    """A present, non-null value -> the field's output; None: not a plain field."""
    cls = type(field)
    if cls not in INLINE_LOAD:
        return None
    convert = _converter(field, cls, key)
    checks = tuple(field.validators)
    if not checks:
        return convert

    def load(value: Any, data: Any) -> Any:
        output = convert(value, data)
        for check in checks:  # as marshmallow: a plain function may return False
            if check(output) is False and not isinstance(check, validate.Validator):
                raise Declined
        return output

    return load


def _converter(field: Any, cls: type, key: str | None) -> Callable[[Any, Any], Any]:
    """The field's public deserialize, with the JSON types it keeps as they are
    inline."""
    own = field.deserialize
    wanted = EXACT.get(cls)
    if cls is fields.Boolean and field.truthy:
        # Boolean looks values up in its sets: True and False must map to themselves.
        wanted = bool if True in field.truthy and False in field.falsy else None
    nested = item = None
    if cls is fields.Nested and not field.many and not field.schema.many:
        nested = kept_plan(
            field.schema, f"load_{field.unknown}", compile_load, field.unknown
        )
    elif cls is fields.List:
        item = _item_loader(field.inner)
    decimal = cls is fields.Decimal and field.places is None

    def convert(value: Any, data: Any) -> Any:
        kind = type(value)
        if kind is wanted or (decimal and kind is Decimal and value.is_finite()):
            return value  # what _deserialize would give back: str(str), int(int)...
        if nested is not None:
            return nested(value)
        if item is not None and kind is list:
            return [item(x) for x in value]
        return own(value, key, data)

    return convert


def _item_loader(field: Any) -> Callable[[Any], Any]:
    """A list element, as List passes it to its inner field's deserialize."""
    step = _loader(field, None)
    if step is None:
        return field.deserialize  # type: ignore[no-any-return]

    def load(value: Any) -> Any:
        if value is None:
            if not field.allow_none:
                raise Declined
            return None
        return step(value, None)

    return load
