"""Dashboard cards: issue a new card through the ledger's own issue command."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time
from uuid import UUID

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from domain.errors import CardCodeTaken, InvalidRequest, LedgerError
from domain.views import Outcome, card_view
from service.dashboard import card_refs
from service.dashboard.blueprint import bp
from service.dashboard.cards import dashboard_origin, site_names
from service.dashboard.errors import field_errors
from service.dashboard.money_format import parse_money
from service.dashboard.session import MONEY, merchant_id, signed_in
from service.http.auth import ledger


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
            how = dashboard_origin("issue", site_id=site_id)
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
