"""Where a compiled marshmallow plan lives (on its schema) and which schemas get one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema


class Declined(Exception):
    """The plan cannot load this value; marshmallow decides."""


def kept_plan(
    schema: Schema, slot: str, compile_: Callable[..., Any], *args: Any
) -> Any:
    """The plan in `slot` of this schema, compiled on first use."""
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


def plain_schema(schema: Schema) -> bool:
    """Whether a plan can walk this schema as marshmallow would."""
    # Hooks and collections change the walk.
    return (
        not _hooked(type(schema))
        and not schema.many
        and not schema.partial
        and schema.dict_class is dict
        and type(schema).get_attribute is Schema.get_attribute
    )
