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

from typing import Any

from marshmallow import Schema

from service.http.dump_plan import compile_dump
from service.http.load_plan import compile_load
from service.http.schema_plans import kept_plan


def fast_load(schema: Schema, data: Any) -> Any:
    """`schema.load(data)`, through the compiled plan when there is one."""
    plan = kept_plan(schema, f"load_{schema.unknown}", compile_load)
    if plan is not None:
        try:
            return plan(data)
        except Exception:  # noqa: S110 - marshmallow gives the real answer
            pass
    return schema.load(data)


def fast_dump(schema: Schema, obj: Any) -> Any:
    """`schema.dump(obj)`, through the compiled plan when there is one."""
    plan = kept_plan(schema, "dump", compile_dump)
    if plan is not None and type(obj) is dict:
        return plan(obj)
    return schema.dump(obj)
