"""Dashboard card actions: adjust, block, unblock, void, each confirmed, with a reason.

The first post checks the form and shows a confirmation; the second (with
`confirm`) runs the ledger's own command, keyed by the form's one-time nonce so
a double click is one change. Support users are refused here, not only unshown.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from domain.card_rules import check_adjustment
from domain.errors import InvalidRequest, LedgerError
from domain.giftcard import ADJUSTMENT_REASONS
from domain.money import check_minor
from service.dashboard import card_refs
from service.dashboard.blueprint import bp
from service.dashboard.cards import card_context, dashboard_origin
from service.dashboard.errors import field_errors
from service.dashboard.money_format import parse_money
from service.dashboard.session import MONEY, merchant_id, signed_in
from service.http.auth import ledger

STATE_ACTIONS = {"block": "Block", "unblock": "Unblock", "void": "Void"}
REASON_LIMIT = 500


def _code(card_ref: UUID) -> str:
    """The code of a card this session found; else the user looks it up again."""
    code = card_refs.code_for(card_ref)
    if code is None:
        raise InvalidRequest(
            "look the card up again",
            {"_form": ["Find the card by its code again before changing it."]},
        )
    return code


def _check_reason(reason: str, note: str) -> None:
    """The ledger's own rule, said to a person."""
    if reason not in ADJUSTMENT_REASONS:
        raise InvalidRequest("reason", {"reason": ["Choose a reason from the list."]})
    if reason == "other" and not note.strip():
        raise InvalidRequest(
            "note", {"note": ["Say what happened: a note is required for “other”."]}
        )
    check_adjustment(reason, note)


def _refused(
    card_ref: UUID, form: dict[str, str], error: LedgerError
) -> tuple[str, int]:
    """The card page again, with the errors by the field that caused them."""
    status = 409 if error.code in ("card_not_active",) else 422
    context = card_context(card_ref, errors=field_errors(error), form=form)
    return render_template("dashboard/card.html", **context), status


def _confirm(card_ref: UUID, action: str, form: dict[str, str], **shown: Any) -> str:
    context = card_context(card_ref)
    return render_template(
        "dashboard/card_confirm.html", action=action, form=form,
        card=context["card"], card_ref=card_ref, **shown,
    )  # fmt: skip


@bp.post("/cards/<uuid:card_ref>/adjust")
@signed_in(*MONEY)
def adjust_card(card_ref: UUID) -> Response | tuple[str, int] | str:
    """Adjust a balance by a signed amount, with a reason from the fixed list."""
    form = {k: request.form.get(k, "") for k in ("amount", "reason", "note", "nonce")}
    mid = merchant_id()
    try:
        code = _code(card_ref)
        card = ledger().card_by_id(mid, card_ref)
        amount = parse_money(form["amount"], card.currency, allow_negative=True)
        check_minor(amount, allow_negative=True)
        _check_reason(form["reason"], form["note"])
        if request.form.get("confirm") != "yes":
            return _confirm(card_ref, "adjust", form, amount=amount)
        outcome = ledger().adjust(
            mid, code, amount, form["reason"], form["note"].strip(),
            dashboard_origin("adjust", form["nonce"] or None),
        )  # fmt: skip
    except LedgerError as error:
        return _refused(card_ref, form, error)
    flash(f"Adjustment saved on {outcome.card.masked_code}.", "ok")
    return redirect(url_for("dashboard.card", card_ref=card_ref))


@bp.post("/cards/<uuid:card_ref>/<action>")
@signed_in(*MONEY)
def change_card_state(card_ref: UUID, action: str) -> Response | tuple[str, int] | str:
    """Block, unblock or void a card, with a reason."""
    if action not in STATE_ACTIONS:
        abort(404)
    form = {k: request.form.get(k, "") for k in ("reason", "nonce")}
    reason = form["reason"].strip()
    mid = merchant_id()
    try:
        code = _code(card_ref)
        ledger().card_by_id(mid, card_ref)
        if not reason:
            raise InvalidRequest("reason", {"reason": ["Say why."]})
        if len(reason) > REASON_LIMIT:
            raise InvalidRequest(
                "reason",
                {"reason": [f"Keep the reason under {REASON_LIMIT} characters."]},
            )
        if request.form.get("confirm") != "yes":
            return _confirm(card_ref, action, form)
        outcome = ledger().change_state(
            mid, code, action, reason, dashboard_origin(action, form["nonce"] or None)
        )
    except LedgerError as error:
        form["action"] = action
        return _refused(card_ref, form, error)
    flash(f"{STATE_ACTIONS[action]}: {outcome.card.masked_code} done.", "ok")
    return redirect(url_for("dashboard.card", card_ref=card_ref))
