"""Compiled dump plans: Field.serialize, inline for marshmallow's common fields."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields, missing

from service.http.schema_plans import kept_plan, plain_schema

# Field classes that dump a value of this exact type as it is.
DUMPED: dict[type, type] = {fields.String: str, fields.Integer: int}
TEMPORAL = (fields.DateTime, fields.AwareDateTime, fields.NaiveDateTime)
ISO = dt.datetime.isoformat


def compile_dump(schema: Schema) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """`schema.dump` of a dict as a plan; None when the schema is not plain."""
    if not plain_schema(schema):
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
        nested = kept_plan(field.schema, "dump", compile_dump)
        if nested is not None:
            return lambda v, o: nested(v) if type(v) is dict else own(v, name, o)
    return None
