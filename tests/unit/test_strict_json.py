"""The one body parser, and full-match patterns in both marshmallow and the plan."""

from __future__ import annotations

from decimal import Decimal

import pytest
from marshmallow import ValidationError

from domain.errors import InvalidRequest
from service.http import strict_json
from service.http.fastschema import fast_load
from service.http.schemas import CodePath


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (b'{"amount": 1, "amount": 5}', "amount"),
        (b'{"a": {"b": 1, "b": 1}}', "b"),
        (b'{"note": "\\ud800"}', "note"),
        (b'{"lines": [{"sku": "a\\u0000"}]}', "lines.0.sku"),
        (b'{"\\udfff": 1}', "\udfff"),
    ],
)
def test_what_is_ambiguous_or_not_text_is_refused_by_name(raw, named):
    with pytest.raises(InvalidRequest) as refused:
        strict_json.parse(raw)
    assert list(refused.value.errors) == [named]


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 10_000 + b"]" * 10_000,
        b'{"a": ' * 40 + b"1" + b"}" * 40,
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b"\xff\xfe",
        b"",
        b"1" * 5000,
    ],
)
def test_what_is_no_bounded_json_is_refused(raw):
    with pytest.raises(InvalidRequest):
        strict_json.parse(raw)


def test_text_that_is_odd_but_text_is_kept_and_numbers_can_be_exact():
    body = strict_json.parse(
        '{"a": "\ufffe\u202e💳", "n": 1.10}'.encode(), exact_numbers=True
    )
    assert body == {"a": "\ufffe\u202e💳", "n": Decimal("1.10")}
    assert strict_json.parse(b'{"a": ' * 32 + b"1" + b"}" * 32)


@pytest.mark.parametrize("code", ["NEWLINE1\n", "NEWLINE1\r\n", "\nNEWLINE1"])
def test_a_code_must_match_whole_in_marshmallow_and_in_the_fast_plan(code):
    with pytest.raises(ValidationError):
        CodePath().load({"code": code})
    with pytest.raises(ValidationError):
        fast_load(CodePath(), {"code": code})
    assert fast_load(CodePath(), {"code": "NEWLINE1"}) == {"code": "NEWLINE1"}


@pytest.mark.parametrize("escaped", [False, True])
def test_depth_is_counted_exactly_with_or_without_escapes_and_breadth_is_free(escaped):
    tail = b', "t": "\\u00e9"' if escaped else b""
    at_limit = b'{"a": ' * 31 + b"[1]" + tail + b"}" * 31  # 32 levels
    over = b'{"a": ' * 32 + b"[1]" + tail + b"}" * 32  # 33 levels
    wide = b"[" + b",".join([b'{"a": [1]}'] * 200) + b"]"  # 600 brackets, 3 levels
    assert strict_json.parse(at_limit) is not None
    assert strict_json.parse(wide)[199] == {"a": [1]}
    with pytest.raises(InvalidRequest, match="nested deeper"):
        strict_json.parse(over)
