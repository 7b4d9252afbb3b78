"""The Lightspeed RTN webhook, and the receipts and exceptions it leaves behind."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, g, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from domain.errors import InvalidRequest, LedgerError, NotFound
from domain.merchant import Merchant
from domain.receipt_header import ReceiptHeader
from domain.receipt_plan import Command, ReceiptContext
from service.http.auth import ledger, require, require_basic
from service.http.logs import note
from service.http.openapi import documented
from service.http.schemas import load
from service.lightspeed.answers import (
    ExceptionList,
    ExceptionQuery,
    ExceptionSchema,
    ResolveRequest,
    RtnAnswer,
    StoredReceiptSchema,
    public_outcomes,
)
from service.lightspeed.lines import ReceiptLines, read_lines
from service.lightspeed.schema import RtnReceiptSchema, parse_receipt
from service.lightspeed.translate import named_cards, plan
from service.store import usage
from service.store.read_engine import read_engine

bp = Blueprint("lightspeed_webhook", __name__)
ADMIN_ERRORS = ("invalid_request", "unauthorized", "forbidden", "merchant_not_found")


@bp.post("/v1/webhooks/lightspeed/rtn")
@documented(
    body=RtnReceiptSchema,
    responses={200: RtnAnswer},
    auth="basic",
    errors=(
        "invalid_request", "invalid_amount", "invalid_currency", "unauthorized",
        "forbidden", "payload_too_large", "unknown_business_location",
    ),
    tags=["lightspeed"],
)  # fmt: skip
def rtn() -> Response:
    """Take a Lightspeed K-Series receipt notification (OPEN, UPDATE or CLOSE)."""
    principal = require_basic("webhook", reads=_receipt_reads)
    raw, receipt = _receipt()
    merchant = ledger().merchant(principal.own_merchant(), copy=False)
    site_id = merchant.site_for_location(receipt["businessLocationId"])
    usage.touch(read_engine(), str(merchant.id), principal.credential_id, site_id)
    actor = principal.credential_id
    lines, header = _lines_and_header(merchant, site_id, raw, receipt, actor)
    kind = lines.notification_type
    if kind != "CLOSE" and not lines.cancelled:
        # OPEN and UPDATE move no money; the CLOSE carries the final snapshot.
        return jsonify(receipt_id=None, notification_type=kind, outcomes=[])

    def planner(context: ReceiptContext) -> list[Command]:
        return plan(lines, context, merchant.currency)

    result = ledger().apply_receipt(header, planner)
    outcomes = public_outcomes(result.outcomes, result.duplicate)
    note(
        rtn=kind, location=lines.location_id, account=lines.account_id,
        retry=receipt.get("retryCounter"),
        outcomes=",".join(f"{o['kind']}:{o['result']}" for o in outcomes) or "none",
    )  # fmt: skip
    return jsonify(
        receipt_id=result.receipt_id, notification_type=kind, outcomes=outcomes
    )


def _lines_and_header(
    merchant: Merchant, site_id: str, raw: bytes, receipt: dict[str, Any], actor: str
) -> tuple[ReceiptLines, ReceiptHeader]:
    """The receipt's gift-card lines and header, worked out once per request for
    the merchant and the webhook credential that sent it (the read-ahead's are
    usually the very ones authentication then confirmed)."""
    done = g.get("rtn_lines")
    if done is not None and done[0] is merchant and done[2].actor == actor:
        return done[1], done[2]
    lines = read_lines(receipt, merchant.lightspeed, merchant.currency)
    header = ReceiptHeader(
        merchant_id=merchant.id,
        location_id=lines.location_id,
        account_id=lines.account_id,
        site_id=site_id,
        notification_type=lines.notification_type,
        origin_account_id=lines.origin_account_id,
        payload=raw.decode("utf-8"),
        sha256=hashlib.sha256(raw).hexdigest(),
        actor=actor,
        has_gift_card_lines=lines.has_gift_card_lines,
        card_ids=named_cards(lines, merchant.id),
    )
    g.rtn_lines = (merchant, lines, header)
    return lines, header


def _receipt_reads(merchant: Merchant) -> list[UUID]:
    """What applying the body's receipt will read, so that authentication reads it
    in the same query. Asked with the cached merchant, once the secret matched; a
    body that is no receipt reads nothing more, and fails later, in its turn."""
    try:
        raw, receipt = _receipt()
        site_id = merchant.site_for_location(receipt["businessLocationId"])
        # Asked only once the secret matched: the username is the sender's.
        actor = g.get("basic_username", "")
        lines, header = _lines_and_header(merchant, site_id, raw, receipt, actor)
        if lines.notification_type != "CLOSE" and not lines.cancelled:
            return []
    except (LedgerError, HTTPException):
        return []
    return ledger().receipt_reads(header)


def _receipt() -> tuple[bytes, dict[str, Any]]:
    """The raw body (read once: it is not cached) and the receipt in it."""
    if "rtn_raw" not in g:
        g.rtn_raw = _body()
    if "rtn_receipt" not in g:
        g.rtn_receipt = parse_receipt(g.rtn_raw)
    return g.rtn_raw, g.rtn_receipt


def _body() -> bytes:
    """The raw body; 413 (nothing read, nothing stored) past MAX_CONTENT_LENGTH."""
    raw = request.get_data(cache=False)  # raises 413 when Content-Length is too big
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(raw) >= limit:
        # A chunked body is cut at the limit without an error: refuse it whole.
        raise RequestEntityTooLarge()
    return raw


@bp.get("/v1/merchants/<merchant_id>/receipt-exceptions")
@documented(
    query=ExceptionQuery,
    responses={200: ExceptionList},
    errors=ADMIN_ERRORS,
    tags=["lightspeed", "admin"],
)
def receipt_exceptions(merchant_id: str) -> Response:
    """A merchant's receipt lines that could not be applied, newest first."""
    mid = require("admin").merchant(merchant_id)
    try:
        query = ExceptionQuery().load(request.args.to_dict())
    except ValidationError as error:
        raise InvalidRequest("the query is not valid", error.messages_dict) from None
    items = ledger().receipt_exceptions(mid, query.get("status"))
    return jsonify(items=ExceptionSchema(many=True).dump(items))


@bp.post("/v1/merchants/<merchant_id>/receipt-exceptions/<exception_id>/resolve")
@documented(
    body=ResolveRequest,
    responses={200: ExceptionSchema},
    errors=(*ADMIN_ERRORS, "not_found"),
    tags=["lightspeed", "admin"],
)
def resolve_exception(merchant_id: str, exception_id: str) -> Response:
    """Mark a receipt exception resolved, with a note of what was done."""
    principal = require("admin")
    mid = principal.merchant(merchant_id)
    body = load(ResolveRequest)
    entry = ledger().resolve_receipt_exception(
        mid, exception_id, body["note"], principal.credential_id
    )
    return jsonify(ExceptionSchema().dump(entry))


@bp.get("/v1/merchants/<merchant_id>/receipts/<receipt_id>")
@documented(
    responses={200: StoredReceiptSchema},
    errors=(*ADMIN_ERRORS, "not_found"),
    tags=["lightspeed", "admin"],
)
def stored_receipt(merchant_id: str, receipt_id: str) -> Response:
    """A stored receipt: its raw payload as received, SHA-256 and outcomes."""
    mid = require("admin").merchant(merchant_id)
    try:
        rid = UUID(receipt_id)
    except ValueError:
        raise NotFound("no receipt with that id") from None
    stored = ledger().stored_receipt(mid, rid)
    stored["outcomes"] = public_outcomes(stored["outcomes"], duplicate=False)
    return jsonify(StoredReceiptSchema().dump(stored))
