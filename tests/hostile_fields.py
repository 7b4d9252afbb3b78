"""Hostile values for every field of every endpoint, read off the OpenAPI document.

The operations, their path, query and header parameters and every (nested) body
field come from /openapi.json, so a new endpoint or field is covered without
editing this module. Each field gets the values of every hostile class its type
can meet: text (full unicode: lone surrogates, non-characters, U+0000, bidi
controls, a trailing newline), unicode digits, numbers (huge, negative, float,
bool, as strings), dates (extreme years and offsets), deep nesting, and repeated
keys. The in-process property (tests/property/test_hostile_fields.py) and the
reliability suite (tests/reliability/hostile.py) send them.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

TEXT = [
    "\ud800",
    "a\udfffb",
    "\udbff\udfff",
    "\ufffe",
    "\uffff",
    "\ufdd0",
    "\U0010ffff",
    "\U0001fffe",
    "\x00",
    "a\x00b",
    "NEWLINE1\n",
    "\u202e1234",
    "💳🎁カード",
    " ",
    "",
    "\t\r\n",
    "A" * 5000,
    "ﬁ",
    "e\u0301",
]
# Superscript two, Arabic-Indic three, fullwidth 123, bold 99, Bengali 42, ...
DIGITS = [
    "\u00b2",
    "\u0663",
    "\uff11\uff12\uff13",
    "\U0001d7d7\U0001d7d7",
    "\u09ea\u09e8",
    "\u00b9\u2070",
    "\u216b",
    "0x10",
    "1_000",
    " 7 ",
    "-0",
]
NUMBERS = [
    -1,
    0,
    -0.0,
    1.5,
    1e308,
    -1e308,
    2**31,
    2**63,
    -(2**63) - 1,
    2**64,
    10**30,
    -(10**30),
    10**300,
    True,
    False,
    None,
    "1",
    "1e3",
    [],
    {},
]
DATES = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "0000-01-01T00:00:00Z",
    "10000-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "2026-12-01T00:00:00+24:00",
    "2026-12-01T00:00:00-23:59",
    "2026-02-30T00:00:00Z",
    "2026-12-01T24:00:00Z",
    "2026-12-01T00:00:00",
    "2026-12-01",
    "2026-12-01T00:00:00.1234567890Z",
    "+275760-09-13T00:00:00Z",
    "2026-12-01T00:00:00+14:00\n",
]
CLASSES = ("text", "digits", "numbers", "dates", "nesting", "duplicates")
DEEP = 10_000
# Headers the app reads on some endpoint without the document listing them.
READ_HEADERS = ("X-Min-Position", "X-Request-Id", "Idempotency-Key")


@dataclass(frozen=True)
class Operation:
    """One documented operation."""

    method: str
    path: str
    parameters: tuple[tuple[str, str, dict[str, Any]], ...]  # (in, name, schema)
    body: dict[str, Any] | None  # the resolved JSON schema of the body

    @property
    def label(self) -> str:
        """`POST /v1/pos/redemptions`."""
        return f"{self.method} {self.path}"

    def body_fields(self) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
        """Every field of the body (nested ones, list items as index 0)."""
        found: list[tuple[tuple[str | int, ...], dict[str, Any]]] = []
        if self.body is not None:
            _walk(self.body, (), found)
        return found


@dataclass
class Sent:
    """A request to send: raw pieces, so any client can send them as they are."""

    label: str
    klass: str
    method: str
    path: str
    query: list[tuple[str, bytes]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    def url(self) -> str:
        """The path with its query string, bytes percent-encoded as they are."""
        if not self.query:
            return self.path
        pairs = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in self.query)
        return f"{self.path}?{pairs}"


def operations(doc: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI document, parameters and body resolved."""
    found = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = []
            for param in op.get("parameters", []):
                param = _resolve(doc, param)
                params.append(
                    (param["in"], param["name"], _deref(doc, param["schema"]))
                )
            content = op.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            body = _deref(doc, schema) if schema else None
            found.append(Operation(method.upper(), path, tuple(params), body))
    return found


def values_for(schema: dict[str, Any], klass: str) -> list[Any]:
    """The hostile values of a class that a field of this schema is sent."""
    kind = schema.get("type")
    if klass == "text":
        return TEXT
    if klass == "digits":
        return DIGITS
    if klass == "numbers":
        return NUMBERS
    if klass == "dates":
        return DATES if kind in ("string", None) else DATES[:2]
    raise ValueError(klass)


def hostile_text() -> st.SearchStrategy[str]:
    """Any code point at all: surrogates, non-characters, controls, unassigned."""
    return st.text(st.characters(exclude_categories=()), max_size=12)


def hostile_scalar() -> st.SearchStrategy[Any]:
    """Any JSON scalar a field could be sent, from every class."""
    return st.one_of(
        hostile_text(),
        st.sampled_from(TEXT + DIGITS + DATES),
        st.sampled_from(NUMBERS),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=False, allow_infinity=False),
    )


def encode(value: Any) -> bytes:
    """JSON bytes of a value; lone surrogates sent as the escapes they are."""
    return json.dumps(value).encode()


def raw(value: str) -> bytes:
    """A string as a client's bytes would carry it (surrogates as invalid UTF-8)."""
    return value.encode("utf-8", "surrogatepass")


def header_value(value: Any) -> str | None:
    """The value as a WSGI server hands a header over (latin-1 of the raw bytes),
    or None for what no HTTP client sends (line breaks, NUL, spaces around it)."""
    text = value if isinstance(value, str) else json.dumps(value)
    data = raw(text)
    # HTTP strips spaces around a value, and clients refuse to send them.
    if any(c in data for c in b"\r\n\x00") or data != data.strip(b" \t"):
        return None
    if len(data) > 4000:
        return None
    return data.decode("latin-1")


def with_value(body: Any, where: tuple[str | int, ...], value: Any) -> Any:
    """A deep copy of a body with one field set (missing parents are made)."""
    body = json.loads(json.dumps(body))
    if not where:
        return value
    node = body
    for step, nxt in itertools.pairwise(where):
        if isinstance(node, list):
            while len(node) <= int(step):
                node.append({} if isinstance(nxt, str) else [])
            node = node[int(step)]
        else:
            if not isinstance(node.get(step), dict | list):
                node[step] = {} if isinstance(nxt, str) else []
            node = node[step]
    last = where[-1]
    if isinstance(node, list):
        while len(node) <= int(last):
            node.append(None)
        node[int(last)] = value
    else:
        node[last] = value
    return body


def deep_body(body: Any, where: tuple[str | int, ...]) -> bytes:
    """The body with one field nested DEEP levels deep."""
    marker = "\u2063deep\u2063"
    text = json.dumps(with_value(body, where, marker))
    return text.replace(json.dumps(marker), "[" * DEEP + "]" * DEEP).encode()


def duplicated(body: Any, where: tuple[str | int, ...], value: Any) -> bytes | None:
    """The body with the field's key given twice in its object (the second: value)."""
    if not where or not isinstance(where[-1], str):
        return None
    parent_at, key = where[:-1], where[-1]
    node: Any = with_value(body, where, _present(body, where, value))
    full = node
    for step in parent_at:
        node = node[step]
    inner = json.dumps(node)[:-1] + (", " if node else "")
    inner += f"{json.dumps(key)}: {json.dumps(value)}}}"
    if not parent_at:
        return inner.encode()
    marker = "\u2063dup\u2063"
    text = json.dumps(with_value(full, parent_at, marker))
    return text.replace(json.dumps(marker), inner).encode()


def _present(body: Any, where: tuple[str | int, ...], default: Any) -> Any:
    node = body
    for step in where:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return default
    return node


def field_requests(
    op: Operation, path: str, good_body: Any, headers: dict[str, str]
) -> Iterator[Sent]:
    """Every hostile class in every body field, query and header parameter."""
    label = op.label
    for where, schema in op.body_fields():
        name = ".".join(map(str, where))
        for klass in ("text", "digits", "numbers", "dates"):
            for value in values_for(schema, klass):
                body = encode(with_value(good_body, where, value))
                yield Sent(
                    f"{label} {name}={value!r:.30}",
                    klass,
                    op.method,
                    path,
                    headers=headers,
                    body=body,
                )
        yield Sent(
            f"{label} {name} nested {DEEP} deep",
            "nesting",
            op.method,
            path,
            headers=headers,
            body=deep_body(good_body, where),
        )
        twice = duplicated(good_body, where, _other(schema))
        if twice is not None:
            yield Sent(
                f"{label} {name} twice",
                "duplicates",
                op.method,
                path,
                headers=headers,
                body=twice,
            )
    good = encode(good_body) if op.body is not None else None
    query_names = [n for where, n, _ in op.parameters if where == "query"]
    header_names = [n for where, n, _ in op.parameters if where == "header"]
    for name in query_names:
        for klass in ("text", "digits", "numbers", "dates"):
            for value in values_for({}, klass):
                text = value if isinstance(value, str) else json.dumps(value)
                yield Sent(
                    f"{label} ?{name}={value!r:.30}",
                    klass,
                    op.method,
                    path,
                    query=[(name, raw(text))],
                    headers=headers,
                    body=good,
                )
    for name in sorted({*header_names, *READ_HEADERS}):
        for klass in ("text", "digits", "numbers", "dates"):
            for value in values_for({}, klass):
                sent = header_value(value)
                if sent is None:
                    continue
                yield Sent(
                    f"{label} {name}: {value!r:.30}",
                    klass,
                    op.method,
                    path,
                    headers={**headers, name: sent},
                    body=good,
                )


def path_requests(
    op: Operation, fill: dict[str, str], headers: dict[str, str], good_body: Any
) -> Iterator[Sent]:
    """Every hostile text and digit in every path parameter (as raw bytes)."""
    good = encode(good_body) if op.body is not None else None
    for where, name, _ in op.parameters:
        if where != "path":
            continue
        for klass in ("text", "digits"):
            for value in values_for({}, klass):
                if not value:
                    continue
                bad = {**fill, name: quote(raw(value), safe="")}
                yield Sent(
                    f"{op.label} {{{name}}}={value!r:.30}",
                    klass,
                    op.method,
                    op.path.format(**bad),
                    headers=headers,
                    body=good,
                )


def _other(schema: dict[str, Any]) -> Any:
    return "other" if schema.get("type") == "string" else 5


def _walk(
    schema: dict[str, Any], where: tuple[str | int, ...], found: list[Any]
) -> None:
    if where:
        found.append((where, schema))
    if len(where) > 6:
        return
    for name, child in schema.get("properties", {}).items():
        _walk(child, (*where, name), found)
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        _walk(schema["items"], (*where, 0), found)


def _resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _deref(doc: dict[str, Any], node: Any) -> Any:
    """The schema with every $ref replaced by what it points at."""
    if isinstance(node, dict):
        node = _resolve(doc, node)
        return {k: _deref(doc, v) for k, v in node.items()}
    if isinstance(node, list):
        return [_deref(doc, v) for v in node]
    return node
