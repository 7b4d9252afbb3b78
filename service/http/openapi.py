"""GET /openapi.json: built with apispec from the app's own routes and schemas.

Every rule of app.url_map is listed, whichever blueprint registered it. A view
describes itself with the `documented` decorator (body, query and answer schemas);
an undecorated view still appears, with its docstring's first line as summary.
The document is built on first request and rebuilt when the routes change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify
from marshmallow import Schema

from service.http.problems import STATUS_BY_CODE
from service.http.schemas import ProblemSchema

bp = Blueprint("openapi", __name__)
F = TypeVar("F", bound=Callable[..., Any])
RULE_ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "bearer": [{"bearerToken": []}],
    "basic": [{"webhookBasic": []}],
    "none": [],
}
SchemaRef = type[Schema] | Schema | None
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Pages for people (HTML forms, the reference page itself), not the HTTP API.
PAGE_BLUEPRINTS = frozenset({"dashboard", "apidocs"})
PAGE_ENDPOINTS = frozenset({"static", "home"})


def is_page(endpoint: str) -> bool:
    """True for an endpoint that serves pages to people, left out of the document."""
    blueprint, _, view = endpoint.rpartition(".")
    return (
        endpoint in PAGE_ENDPOINTS
        or blueprint in PAGE_BLUEPRINTS
        or (blueprint != "" and view == "static")  # a blueprint's own files
    )


def documented(
    *,
    responses: dict[int, SchemaRef],
    body: SchemaRef = None,
    query: SchemaRef = None,
    auth: str = "bearer",
    errors: Iterable[str] = (),
    tags: Iterable[str] = (),
    idempotent: bool = False,
    body_required: bool = True,
) -> Callable[[F], F]:
    """Describe a view for the OpenAPI document (its docstring gives the summary)."""

    def mark(view: F) -> F:
        view.openapi = {  # type: ignore[attr-defined]
            "responses": responses,
            "body": body,
            "query": query,
            "auth": auth,
            "errors": tuple(errors),
            "tags": tuple(tags),
            "idempotent": idempotent,
            "body_required": body_required,
        }
        return view

    return mark


def _operation(
    view: Callable[..., Any], params: list[dict[str, Any]]
) -> dict[str, Any]:
    meta: dict[str, Any] = getattr(view, "openapi", {})
    summary = (view.__doc__ or view.__name__).strip().splitlines()[0]
    op: dict[str, Any] = {"summary": summary, "parameters": list(params)}
    if meta.get("tags"):
        op["tags"] = list(meta["tags"])
    if meta:
        op["security"] = SECURITY[meta["auth"]]
    if meta.get("idempotent"):
        op["parameters"].append("IdempotencyKey")
    if meta.get("query") is not None:
        op["parameters"].append({"in": "query", "schema": meta["query"]})
    if meta.get("body") is not None:
        op["requestBody"] = {
            "required": meta.get("body_required", True),
            "content": {"application/json": {"schema": meta["body"]}},
        }
    answers: dict[str, Any] = {}
    # An undocumented view still says what it does; it answers 200 or a problem.
    for status, schema in meta.get("responses", {200: None}).items():
        answers[str(status)] = {"description": summary}
        if schema is not None:
            answers[str(status)]["content"] = {"application/json": {"schema": schema}}
    codes: dict[str, list[str]] = {}
    for code in meta.get("errors", ()):
        codes.setdefault(str(STATUS_BY_CODE.get(code, 400)), []).append(code)
    for status, listed in codes.items():
        answers[status] = {
            "description": "problem+json, `code`: " + ", ".join(listed),
            "content": {"application/problem+json": {"schema": PROBLEM_REF}},
        }
    answers.setdefault("default", {"$ref": "#/components/responses/Problem"})
    return op | {"responses": answers}


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route the app serves."""
    spec = APISpec(
        title="giftledger",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": "Event-sourced gift-card ledger: admin, POS, webhooks"},
    )
    spec.components.schema("Problem", schema=ProblemSchema)
    spec.components.response(
        "Problem",
        {
            "description": "an error (RFC 9457); `code` is the stable machine code",
            "content": {"application/problem+json": {"schema": PROBLEM_REF}},
        },
    )
    spec.components.parameter(
        "IdempotencyKey",
        "header",
        {
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,128}$"},
            "description": "same key + same body replays the first answer",
        },
    )
    spec.components.security_scheme("bearerToken", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("webhookBasic", {"type": "http", "scheme": "basic"})
    for path, operations in _paths(app).items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _paths(app: Flask) -> dict[str, dict[str, Any]]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if is_page(rule.endpoint):
            continue
        view = app.view_functions[rule.endpoint]
        params = [
            {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
            for name in RULE_ARGUMENT.findall(rule.rule)
        ]
        path = RULE_ARGUMENT.sub(r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(view, params)
    return paths


@bp.get("/openapi.json")
@documented(responses={200: None}, auth="none", tags=["meta"])
def openapi_json() -> Response:
    """The OpenAPI document of this API, generated from the routes and schemas."""
    cache = current_app.extensions.setdefault("giftledger.openapi", {})
    key = len(list(current_app.url_map.iter_rules()))
    if cache.get("key") != key:
        cache["doc"], cache["key"] = build_spec(current_app._get_current_object()), key  # type: ignore[attr-defined]
    return jsonify(cache["doc"])
