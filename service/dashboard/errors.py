"""Errors on pages: plain words by the field, a friendly page, never a 500."""

from __future__ import annotations

import logging

from eventsourcing.persistence import InterfaceError, OperationalError
from flask import Flask, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.wrappers import Response

from domain.errors import InvalidRequest, LedgerError
from service.dashboard.blueprint import bp
from service.dashboard.security import apply_headers
from service.dashboard.session import SignInRequired, sign_in_redirect
from service.http.problems import STATUS_BY_CODE, http_error

log = logging.getLogger("giftledger.dashboard")
# The API's error codes, said to a person.
PLAIN = {
    "invalid_request": "Please check the highlighted fields.",
    "invalid_amount": "That amount is not valid.",
    "invalid_currency": "That currency is not supported.",
    "forbidden": "Your role does not allow this.",
    "card_not_found": "No card with that code.",
    "merchant_not_found": "That page does not exist.",
    "credential_not_found": "No such credential (it may have been removed).",
    "user_not_found": "No such team member.",
    "not_found": "That page does not exist.",
    "card_not_active": "The card is not active, so this cannot be done.",
    "hold_already_resolved": "That hold was already captured or released.",
    "card_code_taken": "A card with that code already exists.",
    "insufficient_funds": "The card does not hold enough money for that.",
    "currency_mismatch": "That card is in another currency.",
    "unknown_business_location": "That business location is not one of your sites.",
    "too_many_requests": "Too many attempts. Wait a few minutes and try again.",
    "service_unavailable": "The ledger is busy or unreachable. Try again shortly.",
}
PLAIN_FIELD = {
    "required": "This is required.",
    "already mapped to a site": "Another site already uses this location id.",
    "not a site of the merchant": "Choose one of your sites.",
    "already has an account": "This address already has an account.",
    "expired or already used": "This link has expired or was already used.",
    "not an e-mail address": "That is not an e-mail address.",
    "is your own account": "You cannot change your own account.",
}


def plain(error: LedgerError) -> str:
    """The error in plain words."""
    return PLAIN.get(error.code, error.detail[:1].upper() + error.detail[1:] + ".")


def field_errors(error: LedgerError) -> dict[str, list[str]]:
    """The error's messages by field (plain words); `_form` for the form as a whole."""
    if isinstance(error, InvalidRequest) and error.errors:
        return {
            name: [PLAIN_FIELD.get(str(m), str(m)[:1].upper() + str(m)[1:]) for m in ms]
            for name, ms in error.errors.items()
        }
    return {"_form": [plain(error)]}


def error_page(status: int, message: str) -> tuple[str, int]:
    """The friendly error page."""
    titles = {400: "Something was wrong with that request", 403: "Not allowed",
              404: "Page not found", 409: "That could not be done",
              429: "Too many attempts", 503: "Try again shortly"}  # fmt: skip
    title = titles.get(status, "That could not be done")
    return render_template(
        "dashboard/error.html", title=title, message=message, status=status
    ), status


@bp.errorhandler(SignInRequired)
def _sign_in(_: SignInRequired) -> Response:
    return sign_in_redirect()  # type: ignore[no-any-return]


@bp.errorhandler(LedgerError)
def _ledger_error(error: LedgerError) -> tuple[str, int]:
    return error_page(STATUS_BY_CODE.get(error.code, 400), plain(error))


@bp.errorhandler(CSRFError)
def _csrf(_: CSRFError) -> tuple[str, int]:
    return error_page(400, "This form has expired. Reload the page and try again.")


@bp.errorhandler(HTTPException)
def _http(error: HTTPException) -> tuple[str, int]:
    status = error.code or 400
    if status == 404:
        return error_page(404, "There is nothing at this address.")
    return error_page(status, error.description or "That could not be done.")


@bp.errorhandler(OperationalError)
@bp.errorhandler(InterfaceError)
def _down(_: Exception) -> tuple[str, int]:
    return error_page(503, PLAIN["service_unavailable"])


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> tuple[str, int]:
    log.exception("dashboard error on %s", request.path)
    return error_page(500, "Something went wrong on our side. It has been logged.")


def install_not_found(app: Flask) -> None:
    """Unknown addresses under /dashboard/ get the friendly page; others, problems."""

    def not_found(error: HTTPNotFound) -> Response:
        if request.path.startswith("/dashboard"):
            page = make_response(error_page(404, "There is nothing at this address."))
            return apply_headers(page)
        return http_error(error)

    app.register_error_handler(HTTPNotFound, not_found)
