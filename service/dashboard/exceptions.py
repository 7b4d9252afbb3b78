"""Dashboard receipt exceptions: the queue (open, resolved), resolve with a note."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from domain.errors import InvalidRequest, LedgerError, NotFound
from projections import dashboard_reads, queries
from service.dashboard.blueprint import bp
from service.dashboard.errors import field_errors
from service.dashboard.receipt_view import receipt_page
from service.dashboard.session import ANYONE, actor, merchant_id, signed_in
from service.http.auth import ledger
from service.store.read_engine import read_engine

STATUSES = ("open", "resolved")
SHOWN = 50
NOTE_LIMIT = 1000


def _queue(mid: UUID, status: str) -> list[dict[str, Any]]:
    """The exceptions of one status, newest first, each with its stored receipt."""
    with read_engine().connect() as conn:
        items = queries.receipt_exceptions(conn, str(mid), status)[:SHOWN]
    receipts: dict[str, dict[str, Any] | None] = {}
    for item in items:
        rid = item["receipt_id"]
        if rid not in receipts:
            try:
                receipts[rid] = receipt_page(mid, rid)
            except NotFound:
                receipts[rid] = None
        item["receipt"] = receipts[rid]
    return items


def _render(
    status: str, errors: dict[str, dict[str, list[str]]], code: int = 200
) -> tuple[str, int]:
    mid = merchant_id()
    with read_engine().connect() as conn:
        counts = dashboard_reads.exception_counts(conn, str(mid))
    sites = {k: v["name"] for k, v in ledger().merchant(mid).sites.items()}
    page = render_template(
        "dashboard/exceptions.html", status=status, items=_queue(mid, status),
        counts=counts, sites=sites, errors=errors, shown=SHOWN,
    )  # fmt: skip
    return page, code


@bp.app_template_filter("when")
def when(value: str | None) -> str:
    """An ISO 8601 time as people read it ("2026-12-01 10:29 UTC")."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value).astimezone(UTC)
    except (TypeError, ValueError):
        return str(value)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@bp.get("/exceptions")
@signed_in(*ANYONE)
def exceptions() -> tuple[str, int]:
    """The queue; `?status=resolved` for the resolved ones."""
    status = request.args.get("status", "open")
    return _render(status if status in STATUSES else "open", {})


@bp.post("/exceptions/<exception_id>/resolve")
@signed_in(*ANYONE)
def resolve_exception(exception_id: str) -> Response | tuple[str, int]:
    """Mark an exception resolved with a note (support may: it moves no money)."""
    note = request.form.get("note", "").strip()
    try:
        if not note:
            raise InvalidRequest("note", {"note": ["Say what was done about it."]})
        if len(note) > NOTE_LIMIT:
            raise InvalidRequest(
                "note", {"note": [f"Keep the note under {NOTE_LIMIT} characters."]}
            )
        entry = ledger().resolve_receipt_exception(
            merchant_id(), exception_id, note, actor()
        )
    except LedgerError as error:
        code = 404 if isinstance(error, NotFound) else 422
        return _render("open", {exception_id: field_errors(error)}, code)
    flash(f"Exception resolved ({entry.get('masked_code') or entry['kind']}).", "ok")
    return redirect(url_for("dashboard.exceptions"))


@bp.get("/receipts/<receipt_id>")
@signed_in(*ANYONE)
def receipt(receipt_id: str) -> str:
    """A stored Lightspeed receipt: its lines, what became of them, the raw payload."""
    stored = receipt_page(merchant_id(), receipt_id)
    return render_template("dashboard/receipt.html", receipt=stored)
