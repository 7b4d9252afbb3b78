"""GET /openapi.json is generated from the routes and schemas the app really has."""

from __future__ import annotations

import re
from typing import Any

from flask import jsonify

from service.http.openapi import RULE_ARGUMENT, documented, is_page
from service.http.schemas import CardSchema


def refs(node: Any) -> list[str]:
    """Every $ref in a JSON document."""
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def test_every_route_of_the_app_is_documented(app):
    @app.get("/v1/late/<thing_id>")
    @documented(responses={200: CardSchema}, errors=("card_not_found",))
    def late(thing_id: str):
        """A route registered after the app was built."""
        return jsonify({})

    @app.post("/v1/bare")
    def bare():
        """An undecorated view."""
        return jsonify({})

    doc = app.test_client().get("/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    for rule in app.url_map.iter_rules():
        if is_page(rule.endpoint):
            assert not rule.rule.startswith("/v1/"), rule.rule  # pages are no API
            assert RULE_ARGUMENT.sub(r"{\1}", rule.rule) not in doc["paths"]
            continue
        path = re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"][path], (path, method)
    late_get = doc["paths"]["/v1/late/{thing_id}"]["get"]
    assert late_get["parameters"][0]["name"] == "thing_id"
    assert late_get["responses"]["404"]["description"].endswith("card_not_found")
    assert doc["paths"]["/v1/bare"]["post"]["summary"] == "An undecorated view."


def test_the_document_describes_bodies_answers_and_problems(client):
    doc = client.get("/openapi.json").json
    schemas = doc["components"]["schemas"]
    for ref in refs(doc):
        kind, name = ref.split("/")[-2:]
        assert name in doc["components"][kind], ref
    assert {"type", "title", "status", "detail", "code", "errors"} <= set(
        schemas["Problem"]["properties"]
    )
    hold = doc["paths"]["/v1/pos/holds"]["post"]
    body = hold["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/HoldCreate")
    created = hold["responses"]["201"]["content"]["application/json"]["schema"]
    assert created["$ref"].endswith("/HoldPlaced")
    assert "card_not_found" in hold["responses"]["404"]["description"]
    assert hold["responses"]["400"]["content"]["application/problem+json"]
    assert {"$ref": "#/components/parameters/IdempotencyKey"} in hold["parameters"]
    request = schemas["HoldCreate"]
    assert request["additionalProperties"] is False
    assert request["properties"]["amount"]["type"] == "integer"
    assert request["properties"]["amount"]["minimum"] == 1
    assert request["properties"]["card_code"]["pattern"] == "^[A-Za-z0-9_-]{4,64}$"
    assert set(request["required"]) == {
        "card_code", "amount", "currency", "business_location_id", "account_id",
    }  # fmt: skip
    assert "balance" in schemas["Card"]["properties"]
    card_get = doc["paths"]["/v1/pos/cards/{code}"]["get"]
    assert card_get["security"] == [{"bearerToken": []}]
    assert card_get["parameters"][0] == {
        "in": "path", "name": "code", "required": True, "schema": {"type": "string"},
    }  # fmt: skip
    assert doc["paths"]["/openapi.json"]["get"]["security"] == []
