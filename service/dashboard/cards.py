"""Dashboard cards: find a card by code, the card page with its timeline, issue."""

from __future__ import annotations

import re
import secrets
from typing import Any
from uuid import UUID

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from domain.errors import CardNotFound, InvalidRequest
from domain.giftcard import ADJUSTMENT_REASONS
from domain.origin import Origin
from domain.views import card_view
from projections import dashboard_reads
from service.dashboard import card_refs
from service.dashboard.blueprint import bp
from service.dashboard.errors import field_errors
from service.dashboard.session import (
    ANYONE,
    MONEY,
    actor,
    current_user,
    merchant_id,
    signed_in,
)
from service.http import throttle
from service.http.auth import Principal, ledger
from service.store.read_engine import read_engine

TIMELINE_LIMIT = 100
NONCE = re.compile(r"[A-Za-z0-9_-]{8,64}")
REASONS = [(r, r.replace("_", " ").capitalize()) for r in sorted(ADJUSTMENT_REASONS)]


def dashboard_origin(
    action: str, nonce: str | None = None, site_id: str | None = None
) -> Origin:
    """The origin of a dashboard command: the signed-in user; the form's nonce,
    if well formed, keys it (per action, as one page's forms share a nonce)."""
    key = None
    if nonce and NONCE.fullmatch(nonce):
        key = f"dashboard:{action}:{nonce}"
    return Origin(
        source="admin",
        actor=actor(),
        site_id=site_id,
        idempotency_key=key,
        occurred_at=ledger().clock().isoformat(),
    )


def new_nonce() -> str:
    """A one-time form id: a form posted twice is one command (idempotency key)."""
    return secrets.token_urlsafe(16)


@bp.get("/cards")
@signed_in(*ANYONE)
def cards() -> str:
    """The look-up form (typed or scanned)."""
    return render_template("dashboard/cards_find.html", errors={})


@bp.post("/cards")
@signed_in(*ANYONE)
def find_card() -> Response | tuple[str, int]:
    """Find a card by the code posted; the code never goes into a URL."""
    mid = merchant_id()
    # The API's card-code guessing throttle, counted per dashboard user.
    guesser = Principal("dashboard", mid, actor())
    try:
        throttle.check(guesser)
        code = card_refs.clean_code(request.form.get("code", ""))
        card = ledger().card(mid, code)
    except CardNotFound as error:
        throttle.record_not_found(guesser)
        said = error.detail[:1].upper() + error.detail[1:] + "."
        errors = {"code": [said], "_code": [error.code]}
        return render_template("dashboard/cards_find.html", errors=errors), 404
    except (InvalidRequest, throttle.TooManyRequests) as error:
        status = 429 if isinstance(error, throttle.TooManyRequests) else 422
        return render_template(
            "dashboard/cards_find.html", errors=field_errors(error)
        ), status
    card_refs.remember(card.id, code)
    return redirect(url_for("dashboard.card", card_ref=card.id))


def site_names(mid: UUID) -> dict[str, str]:
    """The merchant's site names by site id."""
    return {k: v["name"] for k, v in ledger().merchant(mid).sites.items()}


def _role() -> str:
    user = current_user()
    assert user is not None  # signed_in ran first
    return user.role


def card_context(card_ref: UUID, **extra: Any) -> dict[str, Any]:
    """What the card page shows: the card now, and its timeline, newest first."""
    mid = merchant_id()
    card = ledger().card_by_id(mid, card_ref)
    view = card_view(card, ledger().clock())
    with read_engine().connect() as conn:
        events = dashboard_reads.timeline(conn, str(card.id), TIMELINE_LIMIT)
    shown = events[0]["version"] if events else 0
    return {
        "card": view,
        "card_ref": card.id,
        "events": events,
        "pending": max(0, card.version - shown),
        "sites": site_names(mid),
        "known": card_refs.code_for(card.id) is not None,
        "can_move_money": _role() in MONEY,
        "reasons": REASONS,
        "nonce": new_nonce(),
        "errors": {},
        "form": {},
        **extra,
    }


@bp.get("/cards/<uuid:card_ref>")
@signed_in(*ANYONE)
def card(card_ref: UUID) -> str:
    """The card page: balance, held, available, state, expiry and its activity."""
    return render_template("dashboard/card.html", **card_context(card_ref))


from service.dashboard import card_actions, card_issue  # noqa: E402,F401  # their routes
