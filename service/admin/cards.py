"""Admin API: issue cards, look them up, adjust balances, block, unblock, void.

Checks run in DESIGN section 5's order: authentication (and the merchant scope),
the not-found throttle, payload validation, merchant and card existence, then
the card's state and funds (in the ledger).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, Response

from domain.errors import CardCodeTaken, InvalidRequest
from domain.views import card_view
from service.admin.schemas import (
    AdjustmentAnswer,
    AdjustmentCreate,
    CardCreate,
    IssuedCardSchema,
    StateChange,
)
from service.http import throttle
from service.http.answers import (
    adjustment_item,
    answer_time,
    mark_replay,
    origin,
)
from service.http.auth import Principal, ledger, scoped
from service.http.openapi import documented
from service.http.schemas import CardSchema, answer, check_code, load

bp = Blueprint("admin_cards", __name__, url_prefix="/v1/merchants/<merchant_id>/cards")
throttle.install(bp)
ERRORS = (
    "invalid_request",
    "unauthorized",
    "forbidden",
    "card_not_found",
    "merchant_not_found",
    "too_many_requests",
)
STATE_ERRORS = (*ERRORS, "card_not_active", "idempotency_key_reused")


def generate_code() -> str:
    """A fresh 16-digit card code from the CSPRNG (about 53 bits)."""
    return f"{secrets.randbelow(10**16):016d}"


def card_caller(merchant_id: str, code: str) -> tuple[Principal, UUID, str]:
    """Authenticate, scope, throttle and validate the code, before any look-up."""
    principal, mid = scoped(merchant_id)
    throttle.check(principal)
    return principal, mid, check_code(code)


@bp.post("")
@documented(
    body=CardCreate,
    responses={201: IssuedCardSchema},
    errors=(*ERRORS[:3], "invalid_amount", "invalid_currency", "card_code_taken"),
    idempotent=True,
    tags=["admin", "cards"],
)
def issue_card(merchant_id: str) -> Response:
    """Issue a card with its first balance; a generated code is shown here once."""
    principal, mid = scoped(merchant_id)
    body = load(CardCreate)
    site_id = body.get("site_id")
    how = origin("admin", principal, site_id=site_id)
    if "code" not in body and how.idempotency_key is not None:
        # A generated code is never stored, so a replay could not show it again.
        raise InvalidRequest(
            "send the card code when you send an Idempotency-Key",
            {"code": ["required with an Idempotency-Key header"]},
        )
    _check_expiry(body.get("expires_at"))
    if site_id is not None and site_id not in ledger().merchant(mid).sites:
        raise InvalidRequest(
            "unknown site", {"site_id": ["not a site of the merchant"]}
        )
    given = body.get("code")
    for _attempt in range(3):
        code = given or generate_code()
        try:
            outcome = ledger().issue_card(
                mid, code, body["amount"], body["currency"], body.get("expires_at"),
                how,
            )  # fmt: skip
            break
        except CardCodeTaken:
            if given is not None:
                raise
    else:  # pragma: no cover - three 16-digit collisions in a row
        raise CardCodeTaken("could not generate a free card code; retry")
    data: dict[str, Any] = card_view(outcome.card, answer_time(outcome))
    if given is None:
        data["code"] = code
    return mark_replay(answer(IssuedCardSchema, data, 201), outcome)


@bp.get("/<code>")
@documented(responses={200: CardSchema}, errors=ERRORS, tags=["admin", "cards"])
def get_card(merchant_id: str, code: str) -> Response:
    """A card, straight from its events (always current)."""
    _, mid, code = card_caller(merchant_id, code)
    ledger().merchant(mid)
    card, now = ledger().get_card(mid, code)
    return answer(CardSchema, card_view(card, now))


@bp.post("/<code>/adjustments")
@documented(
    body=AdjustmentCreate,
    responses={201: AdjustmentAnswer},
    errors=(*STATE_ERRORS, "invalid_amount", "insufficient_funds"),
    idempotent=True,
    tags=["admin", "cards"],
)
def adjust(merchant_id: str, code: str) -> Response:
    """Correct a balance by a signed amount, with a reason code."""
    principal, mid, code = card_caller(merchant_id, code)
    body = load(AdjustmentCreate)
    how = origin("admin", principal)
    ledger().merchant(mid)
    outcome = ledger().adjust(
        mid, code, body["amount"], body["reason"], body["note"], how
    )
    card, when = outcome.card, answer_time(outcome)
    activity = adjustment_item(outcome, when)
    data = {"activity": activity, "card": card_view(card, when)}
    return mark_replay(answer(AdjustmentAnswer, data, 201), outcome)


def _change_state(action: str, merchant_id: str, code: str) -> Response:
    principal, mid, code = card_caller(merchant_id, code)
    body = load(StateChange)
    how = origin("admin", principal)
    ledger().merchant(mid)
    outcome = ledger().change_state(mid, code, action, body["reason"], how)
    response = answer(CardSchema, card_view(outcome.card, answer_time(outcome)))
    return mark_replay(response, outcome)


@bp.post("/<code>/block")
@documented(
    body=StateChange, responses={200: CardSchema}, errors=STATE_ERRORS,
    idempotent=True, tags=["admin", "cards"],
)  # fmt: skip
def block(merchant_id: str, code: str) -> Response:
    """Freeze a card: nothing but unblocking is allowed until then."""
    return _change_state("block", merchant_id, code)


@bp.post("/<code>/unblock")
@documented(
    body=StateChange, responses={200: CardSchema}, errors=STATE_ERRORS,
    idempotent=True, tags=["admin", "cards"],
)  # fmt: skip
def unblock(merchant_id: str, code: str) -> Response:
    """Lift a block."""
    return _change_state("unblock", merchant_id, code)


@bp.post("/<code>/void")
@documented(
    body=StateChange, responses={200: CardSchema}, errors=STATE_ERRORS,
    idempotent=True, tags=["admin", "cards"],
)  # fmt: skip
def void(merchant_id: str, code: str) -> Response:
    """Close a card for good; open holds are released, the balance forfeited."""
    return _change_state("void", merchant_id, code)


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= ledger().clock():
        raise InvalidRequest(
            "the card would be born expired", {"expires_at": ["must be in the future"]}
        )
