"""Every hostile class in every field of every documented endpoint, in process.

The operations and fields come from /openapi.json (tests/hostile_fields.py), so a
new endpoint or field is swept without editing this test. Whatever is sent: never
a 5xx, every error is problem+json, and a refused request writes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.http.openapi import is_page
from tests.e2e.hostile_setup import Target, send, set_up_target
from tests.hostile_fields import (
    CLASSES,
    Operation,
    Sent,
    encode,
    field_requests,
    hostile_scalar,
    operations,
    path_requests,
    with_value,
)

# A body nested too deep, or naming a key twice, is refused whatever the field.
REFUSED = ("nesting", "duplicates")


def _position(app: Flask) -> int:
    return app.extensions["giftledger.ledger"].recorder.max_notification_id() or 0


def _fault(app: Flask, client: FlaskClient, sent: Sent) -> str | None:
    """What is wrong with the answer to a hostile request, if anything."""
    before = _position(app)
    answer = send(client, sent)
    status = answer.status_code
    if status >= 500:
        return f"{sent.label}: {status} {answer.data[:200]!r}"
    if 300 <= status < 400:
        return f"{sent.label}: redirected to {answer.headers.get('Location')}"
    if sent.klass in REFUSED and status != 400:
        return f"{sent.label}: {status}, not refused"
    if answer.headers.get("X-Content-Type-Options") != "nosniff":
        return f"{sent.label}: no X-Content-Type-Options: nosniff"
    if status >= 400:
        if answer.mimetype != "application/problem+json":
            return f"{sent.label}: {status} as {answer.mimetype}"
        if _position(app) != before:
            return f"{sent.label}: refused with {status} but wrote"
    return None


def _sweep(target: Target, doc: dict[str, Any], klass: str) -> list[Sent]:
    sweep: list[Sent] = []
    for op in operations(doc):
        fill = target.fill()
        path = op.path.format(**fill)
        body = target.good_body(op)
        auth = target.auth(op.path)
        sweep += [s for s in field_requests(op, path, body, auth) if s.klass == klass]
        sweep += [s for s in path_requests(op, fill, auth, body) if s.klass == klass]
    return sweep


@pytest.fixture
def target(app: Flask, client: FlaskClient, merchant: Any) -> Target:
    """The merchant's card, hold, redemption and webhook."""
    return set_up_target(app, client, merchant)


@pytest.mark.parametrize("klass", CLASSES)
def test_every_field_of_every_endpoint(app, client, target, klass):
    doc = client.get("/openapi.json").json
    sweep = _sweep(target, doc, klass)
    assert sweep, f"no field of any endpoint takes {klass}"
    faults = [f for f in (_fault(app, client, sent) for sent in sweep) if f]
    faults.sort(key=lambda fault: " 50" not in fault)  # the 5xx first
    assert not faults, f"{len(faults)} of {len(sweep)}: {faults[:8]}"


def test_the_sweep_reaches_every_route_of_the_app(client, target):
    doc = client.get("/openapi.json").json
    ops = operations(doc)
    routes = {
        (method, rule.rule)
        for rule in client.application.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if not is_page(rule.endpoint)
    }
    assert len(ops) == len(routes)  # every route is documented, so it is swept
    swept = {
        " ".join(sent.label.split(" ")[:2])
        for klass in CLASSES
        for sent in _sweep(target, doc, klass)
    }
    assert swept == {op.label for op in ops}


def _field_cases(doc: dict[str, Any]) -> list[tuple[Operation, Any]]:
    return [(op, where) for op in operations(doc) for where, _ in op.body_fields()]


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_value_in_any_field_is_answered_cleanly(app, client, target, data):
    doc = client.get("/openapi.json").json
    op, where = data.draw(st.sampled_from(_field_cases(doc)), label="field")
    value = data.draw(hostile_scalar(), label="value")
    fill = target.fill()
    body = with_value(target.good_body(op), where, value)
    sent = Sent(
        f"{op.label} {where}={value!r:.40}",
        "any",
        op.method,
        op.path.format(**fill),
        headers=target.auth(op.path),
        body=encode(body),
    )
    fault = _fault(app, client, sent)
    assert fault is None, fault
