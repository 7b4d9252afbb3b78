"""RFC 9457 problem+json answers for every error, with stable machine codes."""

from __future__ import annotations

import logging
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError
from flask import Flask, Response, g, json
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from domain.errors import InvalidRequest, LedgerError

log = logging.getLogger("giftledger.errors")

STATUS_BY_CODE = {
    "invalid_request": 400,
    "invalid_amount": 400,
    "invalid_currency": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "card_not_found": 404,
    "hold_not_found": 404,
    "redemption_not_found": 404,
    "merchant_not_found": 404,
    "credential_not_found": 404,
    "site_not_found": 404,
    "device_not_found": 404,
    "not_found": 404,
    "method_not_allowed": 405,
    "card_not_active": 409,
    "hold_already_resolved": 409,
    "idempotency_key_reused": 409,
    "card_code_taken": 409,
    "business_location_taken": 409,
    "payload_too_large": 413,
    "insufficient_funds": 422,
    "currency_mismatch": 422,
    "refund_exceeds_redemption": 422,
    "unknown_business_location": 422,
    "pairing_code_invalid": 422,
    "too_many_requests": 429,
    "internal_error": 500,
    "service_unavailable": 503,
}
RETRY_AFTER_SECONDS = {"service_unavailable": "2"}


def problem(code: str, detail: str, **extra: Any) -> Response:
    """A problem+json response for an error code."""
    status = STATUS_BY_CODE.get(code, 400)
    body = {
        "type": f"urn:giftledger:problem:{code}",
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    response = Response(
        json.dumps(body), status=status, mimetype="application/problem+json"
    )
    if code in RETRY_AFTER_SECONDS:
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS[code]
    if code == "unauthorized":
        response.headers["WWW-Authenticate"] = g.get(
            "auth_challenge", 'Bearer realm="giftledger"'
        )
    return response


def ledger_error(error: LedgerError) -> Response:
    """Map a domain error onto its API code."""
    if isinstance(error, InvalidRequest) and error.errors:
        return problem(error.code, error.detail, errors=error.errors)
    return problem(error.code, error.detail)


def validation_error(error: ValidationError) -> Response:
    """List every bad field."""
    messages = error.messages if isinstance(error.messages, dict) else {}
    errors = {
        str(k): v if isinstance(v, list) else [json.dumps(v)]
        for k, v in messages.items()
    }
    return problem("invalid_request", "the request has invalid fields", errors=errors)


def http_error(error: HTTPException) -> Response:
    """Werkzeug's own errors, as problems."""
    status = error.code or 500
    code = {
        404: "not_found",
        405: "method_not_allowed",
        413: "payload_too_large",
    }.get(status, "invalid_request" if status < 500 else "internal_error")
    response = problem(code, error.description or code)
    for name, value in error.get_headers():
        if name.lower() != "content-type":  # 405's Allow, for one
            response.headers[name] = value
    return response


def database_down(error: Exception) -> Response:
    """The event store is unreachable: tell the client to retry."""
    log.warning("database unavailable: %s", type(error).__name__)
    return problem("service_unavailable", "the ledger store is unreachable; retry")


def unexpected(error: Exception) -> Response:
    """A bug: log it with the request id; leak nothing to the client."""
    if isinstance(error, HTTPException):
        return http_error(error)
    log.exception("unhandled error (request %s)", g.get("request_id"))
    return problem("internal_error", "an unexpected error occurred")


def register_problem_handlers(app: Flask) -> None:
    """Install the handlers on an app."""
    app.register_error_handler(LedgerError, ledger_error)
    app.register_error_handler(ValidationError, validation_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(OperationalError, database_down)
    app.register_error_handler(InterfaceError, database_down)
    app.register_error_handler(Exception, unexpected)
