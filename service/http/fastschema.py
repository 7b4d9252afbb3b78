"""Marshmallow without its machinery on the hot paths: same results, same errors.

Schema.load and dump walk error stores, hook tables and accessors per field, which
costs more than the request's own JSON. A plan compiled once per schema instance
does what Field.deserialize and Field.serialize do (missing, null, the value kept
as it is, its validators) for marshmallow's own common field classes, and calls
the public deserialize/serialize of any other field. A load that fails in any way
is run again by marshmallow, so every error is marshmallow's own. Hooks, `many`,
`partial` and INCLUDE are left to marshmallow; no private part of it is used.
Plans live on their schema: build schemas once (service.http.schemas).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, fields, missing, validate

Base = fields.Field
# Field classes whose _deserialize gives back a value of this exact type as it is.
EXACT = {fields.String: str, fields.Integer: int, fields.Boolean: bool}
DUMPED: dict[type, type] = {fields.String: str, fields.Integer: int}
# marshmallow's own classes, so none overrides a step: anything else is left to
# the field's public deserialize and serialize.
INLINE_LOAD = (*EXACT, fields.Nested, fields.List, fields.Decimal)
TEMPORAL = (fields.DateTime, fields.AwareDateTime, fields.NaiveDateTime)
ISO = dt.datetime.isoformat


class Declined(Exception):
    """The plan cannot load this value; marshmallow decides."""


def fast_load(schema: Schema, data: Any) -> Any:
    """`schema.load(data)`, through the compiled plan when there is one."""
    plan = _kept(schema, f"load_{schema.unknown}", _compile_load)
    if plan is not None:
        try:
            return plan(data)
        except Exception:  # noqa: S110 - marshmallow gives the real answer
            pass
    return schema.load(data)


def fast_dump(schema: Schema, obj: Any) -> Any:
    """`schema.dump(obj)`, through the compiled plan when there is one."""
    plan = _kept(schema, "dump", _compile_dump)
    if plan is not None and type(obj) is dict:
        return plan(obj)
    return schema.dump(obj)


def _kept(schema: Schema, slot: str, compile_: Callable[..., Any], *args: Any) -> Any:
    # Kept on the instance itself: the plan lives and dies with its schema.
    kept = vars(schema)
    slot = f"_giftledger_fast_{slot}"
    if slot not in kept:
        kept[slot] = compile_(schema, *args)
    return kept[slot]


def _hooked(cls: type) -> bool:
    """Whether a schema class has hooks (pre/post load and dump, validates...):
    marshmallow's decorators mark each hooked method with `__marshmallow_hook__`."""
    return any(
        hasattr(getattr(cls, name, None), "__marshmallow_hook__") for name in dir(cls)
    )


def _plain(schema: Schema) -> bool:
    # Hooks and collections change the walk.
    return (
        not _hooked(type(schema))
        and not schema.many
        and not schema.partial
        and schema.dict_class is dict
        and type(schema).get_attribute is Schema.get_attribute
    )


def _compile_load(schema: Schema, unknown: str | None = None) -> Any:
    unknown = unknown or schema.unknown
    if not _plain(schema) or unknown not in (RAISE, EXCLUDE):
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
        nested = _kept(
            field.schema, f"load_{field.unknown}", _compile_load, field.unknown
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


def _compile_dump(schema: Schema) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    if not _plain(schema):
        return None
    plan = []
    for name, field in schema.dump_fields.items():
        key = field.data_key if field.data_key is not None else name
        plan.append((name, key, field, _dumper(field, name)))
    accessor = schema.get_attribute

    def dump(obj: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, key, field, step in plan:
            value = obj.get(name, missing)
            if step is not None and value is not missing:
                out[key] = step(value, obj)
                continue
            value = field.serialize(name, obj, accessor=accessor)
            if value is not missing:
                out[key] = value
        return out

    return dump


def _dumper(field: Any, name: str) -> Callable[[Any, Any], Any] | None:
    """A value present in a dict -> the field's output; None: field.serialize."""
    cls = type(field)
    inline = cls in (*DUMPED, fields.UUID, *TEMPORAL, fields.Nested)
    if not inline or field.attribute or "." in name:
        return None

    def own(value: Any, name: str, obj: Any) -> Any:
        return field.serialize(name, obj)

    wanted = DUMPED.get(cls)
    if wanted is not None and not getattr(field, "as_string", False):
        return lambda v, o: v if type(v) is wanted or v is None else own(v, name, o)
    if cls is fields.UUID:
        return lambda v, o: str(v) if type(v) is uuid.UUID else own(v, name, o)
    iso = cls in TEMPORAL and (
        field.SERIALIZATION_FUNCS.get(field.format or cls.DEFAULT_FORMAT) is ISO
    )
    if iso:
        return lambda v, o: v.isoformat() if type(v) is dt.datetime else own(v, name, o)
    if cls is fields.Nested and not field.many and not field.schema.many:
        nested = _kept(field.schema, "dump", _compile_dump)
        if nested is not None:
            return lambda v, o: nested(v) if type(v) is dict else own(v, name, o)
    return None
