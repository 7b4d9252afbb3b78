"""Request helpers shared by the blueprints: JSON bodies and idempotency keys."""

from __future__ import annotations

import re
from typing import Any

from flask import g, request
from marshmallow import Schema

from domain.card_codes import MAX_CODE_LENGTH
from domain.errors import InvalidRequest
from service.http import strict_json
from service.http.fastschema import fast_load

IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,128}")


def parsed_body() -> Any:
    """The request's JSON document, parsed once by the strict parser (or its error)."""
    if "json_document" not in g:
        try:
            g.json_document = strict_json.parse(request.get_data(cache=True))
        except InvalidRequest as error:
            g.json_document = error
    if isinstance(g.json_document, InvalidRequest):
        raise g.json_document
    return g.json_document


def json_body(schema: Schema) -> dict[str, Any]:
    """The request's JSON object, validated by a marshmallow schema."""
    if not request.is_json:
        raise InvalidRequest("the body must be JSON (Content-Type: application/json)")
    body = parsed_body()
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be a JSON object")
    return fast_load(schema, body)  # type: ignore[no-any-return]


def optional_json_body(schema: Schema) -> dict[str, Any]:
    """Like json_body, but an empty body counts as `{}`."""
    if not request.get_data(cache=True):
        return fast_load(schema, {})  # type: ignore[no-any-return]
    return json_body(schema)


def idempotency_key() -> str | None:
    """The Idempotency-Key header: 1-128 printable ASCII characters, if present."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise InvalidRequest(
            "the Idempotency-Key header is not valid",
            {"Idempotency-Key": ["1-128 printable ASCII characters, no spaces"]},
        )
    return key


def named_card() -> str | None:
    """The `card_code` a JSON body names, if any: only a hint to read ahead.

    Never an error: the body is validated later, in the order DESIGN section 5
    sets, and a hint that names no card costs nothing.
    """
    try:
        body = parsed_body() if request.is_json else None
    except InvalidRequest:
        return None
    code = body.get("card_code") if isinstance(body, dict) else None
    return code if isinstance(code, str) and 0 < len(code) <= MAX_CODE_LENGTH else None
