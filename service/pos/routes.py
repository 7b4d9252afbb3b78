"""POS API: card look-up, holds (capture, release), redemptions and their refunds.

The merchant is always the POS token's own. A paired POS device (kind `device`)
may call it too, for its own site's business location only. Checks run in DESIGN
section 5's order: authentication, the not-found throttle, payload validation
(body, Idempotency-Key), then card existence, state and funds inside the ledger's
command.
"""

from __future__ import annotations

from flask import Blueprint, Response

from domain.views import Outcome, card_view, hold_view
from service.http import throttle
from service.http.answers import answer_time, mark_replay, origin
from service.http.auth import Principal, ledger, require
from service.http.openapi import documented
from service.http.requests import named_card
from service.http.schemas import CardSchema, answer, check_code, load
from service.pos import device_scope
from service.pos.schemas import (
    CaptureRequest,
    HoldAnswer,
    HoldCreate,
    HoldPlacedSchema,
    RedemptionCreate,
    RedemptionSchema,
    RefundAnswer,
    RefundCreate,
    ReleaseRequest,
)

bp = Blueprint("pos", __name__, url_prefix="/v1/pos")
throttle.install(bp)
AUTH = ("invalid_request", "unauthorized", "forbidden")
MONEY = ("invalid_amount", "invalid_currency", "idempotency_key_reused")
CARD = ("card_not_found", "too_many_requests", "card_not_active")
SPEND = ("insufficient_funds", "currency_mismatch", "unknown_business_location")


POS = ("pos", "device")


def card_caller(code: str | None = None) -> Principal:
    """A POS caller that is not being throttled for guessing card codes."""
    principal = require(*POS, card_code=code or named_card())
    throttle.check(principal)
    return principal


@bp.get("/cards/<code>")
@documented(
    responses={200: CardSchema}, errors=(*AUTH, *CARD[:2]), tags=["pos"]
)  # fmt: skip
def get_card(code: str) -> Response:
    """A card's balance and state (always current)."""
    principal = card_caller(code)
    card, now = ledger().get_card(principal.own_merchant(), check_code(code))
    return answer(CardSchema, card_view(card, now))


@bp.post("/holds")
@documented(
    body=HoldCreate, responses={201: HoldPlacedSchema},
    errors=(*AUTH, *MONEY, *CARD, *SPEND), idempotent=True, tags=["pos"],
)  # fmt: skip
def place_hold() -> Response:
    """Reserve money for an open sale; it expires after the merchant's hold TTL."""
    principal = card_caller()
    body = load(HoldCreate)
    device_scope.check_location(principal, body["business_location_id"])
    outcome = ledger().place_hold(
        principal.own_merchant(), body["card_code"], body["amount"], body["currency"],
        body["business_location_id"], body["account_id"], origin("pos", principal),
    )  # fmt: skip
    when = answer_time(outcome)
    data = {
        **hold_view(outcome.card, outcome.ref, when),
        "card": card_view(outcome.card, when),
    }
    return mark_replay(answer(HoldPlacedSchema, data, 201), outcome)


@bp.post("/holds/<hold_id>/capture")
@documented(
    body=CaptureRequest, responses={200: HoldAnswer},
    errors=(*AUTH, *MONEY, "hold_not_found", "hold_already_resolved",
            "card_not_active", "insufficient_funds"),
    idempotent=True, body_required=False, tags=["pos"],
)  # fmt: skip
def capture(hold_id: str) -> Response:
    """Take the held money, or part of it (the rest is released)."""
    principal = require(*POS)
    body = load(CaptureRequest, optional=True)
    device_scope.check_hold(principal, hold_id)
    outcome = ledger().capture_hold(
        principal.own_merchant(), hold_id, body.get("amount"), origin("pos", principal)
    )
    return _hold_answer(outcome)


@bp.post("/holds/<hold_id>/release")
@documented(
    body=ReleaseRequest, responses={200: HoldAnswer},
    errors=(*AUTH, "idempotency_key_reused", "hold_not_found",
            "hold_already_resolved"),
    idempotent=True, body_required=False, tags=["pos"],
)  # fmt: skip
def release(hold_id: str) -> Response:
    """Cancel a hold; its money is available again."""
    principal = require(*POS)
    load(ReleaseRequest, optional=True)
    device_scope.check_hold(principal, hold_id)
    outcome = ledger().release_hold(
        principal.own_merchant(), hold_id, origin("pos", principal)
    )
    return _hold_answer(outcome)


def _hold_answer(outcome: Outcome) -> Response:
    when = answer_time(outcome)
    data = {
        "hold": hold_view(outcome.card, outcome.ref, when),
        "card": card_view(outcome.card, when),
    }
    return mark_replay(answer(HoldAnswer, data), outcome)


@bp.post("/redemptions")
@documented(
    body=RedemptionCreate, responses={201: RedemptionSchema},
    errors=(*AUTH, *MONEY, *CARD, *SPEND), idempotent=True, tags=["pos"],
)  # fmt: skip
def redeem() -> Response:
    """Debit a card at once."""
    principal = card_caller()
    body = load(RedemptionCreate)
    device_scope.check_location(principal, body["business_location_id"])
    outcome = ledger().redeem(
        principal.own_merchant(), body["card_code"], body["amount"], body["currency"],
        body["business_location_id"], body.get("account_id"), origin("pos", principal),
    )  # fmt: skip
    card, when = outcome.card, answer_time(outcome)
    data = {
        "redemption_id": outcome.ref,
        "amount": card.redemptions[outcome.ref][0],
        "currency": card.currency,
        "card": card_view(card, when),
    }
    return mark_replay(answer(RedemptionSchema, data, 201), outcome)


@bp.post("/redemptions/<redemption_id>/refunds")
@documented(
    body=RefundCreate, responses={201: RefundAnswer},
    errors=(*AUTH, "invalid_amount", "idempotency_key_reused",
            "redemption_not_found", "card_not_active", "refund_exceeds_redemption"),
    idempotent=True, tags=["pos"],
)  # fmt: skip
def refund(redemption_id: str) -> Response:
    """Give back (part of) what a redemption or a captured hold took."""
    principal = require("pos")  # a device only redeems; refunds come from RTN
    body = load(RefundCreate)
    outcome = ledger().refund(
        principal.own_merchant(), redemption_id, body["amount"],
        origin("pos", principal),
    )  # fmt: skip
    card, when = outcome.card, answer_time(outcome)
    taken, refunded = card.redemptions[redemption_id]
    data = {
        "refund": {
            "refund_id": outcome.ref,
            "redemption_id": redemption_id,
            "amount": body["amount"],
            "currency": card.currency,
            "refundable": taken - refunded,
        },
        "card": card_view(card, when),
    }
    return mark_replay(answer(RefundAnswer, data, 201), outcome)
