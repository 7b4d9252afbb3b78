"""Dashboard cards: find a card by code, the card page with its timeline, issue."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time
from typing import Any
from uuid import UUID

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from domain.errors import CardCodeTaken, CardNotFound, InvalidRequest, LedgerError
from domain.giftcard import ADJUSTMENT_REASONS
from domain.origin import Origin
from domain.views import Outcome, card_view
from projections import dashboard_reads
from service import throttle
from service.auth import Principal, ledger
from service.dashboard import card_refs
from service.dashboard.blueprint import bp
from service.dashboard.errors import field_errors
from service.dashboard.money_format import parse_money
from service.dashboard.session import (
    ANYONE,
    MONEY,
    actor,
    current_user,
    merchant_id,
    signed_in,
)
from service.read_engine import read_engine

TIMELINE_LIMIT = 100
REASONS = [(r, r.replace("_", " ").capitalize()) for r in sorted(ADJUSTMENT_REASONS)]


def dashboard_origin(nonce: str | None = None, site_id: str | None = None) -> Origin:
    """The origin of a dashboard command: the signed-in user, the form's nonce."""
    return Origin(
        source="admin",
        actor=actor(),
        site_id=site_id,
        idempotency_key=f"dashboard:{nonce}" if nonce else None,
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


@bp.get("/cards/new")
@signed_in(*MONEY)
def new_card() -> str:
    """The issue form."""
    return _issue_form({}, {})


def _issue_form(form: dict[str, str], errors: dict[str, list[str]]) -> str:
    mid = merchant_id()
    return render_template(
        "dashboard/card_issue.html",
        form=form,
        errors=errors,
        sites=site_names(mid),
        currency=ledger().merchant(mid).currency,
    )


def _expiry(text: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise InvalidRequest(
            "bad date", {"expires_on": ["Give the date as YYYY-MM-DD."]}
        ) from None
    expires = datetime.combine(day, time.max, tzinfo=UTC)
    if expires <= ledger().clock():
        raise InvalidRequest(
            "expired", {"expires_on": ["The expiry date must be in the future."]}
        )
    return expires


def _issue(
    mid: UUID, given: str | None, amount: int, currency: str,
    expires: datetime | None, site_id: str | None,
) -> tuple[str, Outcome]:  # fmt: skip
    for _attempt in range(3):
        code = given or f"{secrets.randbelow(10**16):016d}"
        try:
            how = dashboard_origin(site_id=site_id)
            return code, ledger().issue_card(mid, code, amount, currency, expires, how)
        except CardCodeTaken:
            if given is not None:
                raise
    raise CardCodeTaken("could not generate a free card code; try again")


@bp.post("/cards/new")
@signed_in(*MONEY)
def issue_card() -> Response | tuple[str, int] | str:
    """Issue a card through the ledger's issue command; a generated code shows once."""
    mid = merchant_id()
    form = {
        k: request.form.get(k, "") for k in ("amount", "code", "site_id", "expires_on")
    }
    currency = ledger().merchant(mid).currency
    try:
        amount = parse_money(form["amount"], currency)
        if amount <= 0:
            raise InvalidRequest(
                "amount", {"amount": ["A new card needs a positive amount."]}
            )
        given = card_refs.clean_code(form["code"]) if form["code"].strip() else None
        site_id = form["site_id"] or None
        if site_id is not None and site_id not in site_names(mid):
            raise InvalidRequest("site", {"site_id": ["Choose one of your sites."]})
        expires = _expiry(form["expires_on"])
        code, outcome = _issue(mid, given, amount, currency, expires, site_id)
    except CardCodeTaken as error:
        return _issue_form(form, {"code": [error.detail]}), 409
    except LedgerError as error:
        return _issue_form(form, field_errors(error)), 422
    card_refs.remember(outcome.card.id, code)
    if given is not None:
        flash(f"Card {outcome.card.masked_code} issued.", "ok")
        return redirect(url_for("dashboard.card", card_ref=outcome.card.id))
    # A generated code is shown on this answer only: it is stored nowhere else.
    return render_template(
        "dashboard/card_issued.html",
        code=code,
        card=card_view(outcome.card, outcome.now),
        card_ref=outcome.card.id,
    )


from service.dashboard import card_actions  # noqa: E402,F401  # registers its routes
