"""Overview: liability, today's and 30 days' activity, exceptions, last receipts."""

from __future__ import annotations

from flask import render_template

from service.auth import ledger
from service.dashboard.blueprint import bp
from service.dashboard.session import ANYONE, merchant_id, signed_in


@bp.get("/")
@signed_in(*ANYONE)
def overview() -> str:
    """The merchant at a glance."""
    merchant = ledger().merchant(merchant_id())
    return render_template("dashboard/overview.html", merchant=merchant)
