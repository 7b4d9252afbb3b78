"""Flask's JSON provider with its encoder built once per app."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

COMPACT = (("separators", (",", ":")),)


class OneEncoderJSONProvider(DefaultJSONProvider):
    """Flask's default provider, but `dumps` reuses one encoder.

    `json.dumps` with any option builds a new JSONEncoder on every call, which
    every answer paid. Same options, same bytes (Flask's `default` for dates,
    UUIDs and dataclasses); a call with options of its own goes to Flask's.
    """

    # Answers keep their schema's field order (the OpenAPI document's).
    sort_keys = False

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        options: dict[str, Any] = {
            "default": self.default,
            "ensure_ascii": self.ensure_ascii,
        }
        # `response` (jsonify) asks for compact separators; `dumps` alone, none.
        self.encoders = {
            (): json.JSONEncoder(**options),
            COMPACT: json.JSONEncoder(**options, separators=COMPACT[0][1]),
        }

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize `obj` to JSON, with a prebuilt encoder for Flask's own calls."""
        encoder = self.encoders.get(tuple(kwargs.items()))
        if encoder is None:
            return super().dumps(obj, **kwargs)
        return encoder.encode(obj)
