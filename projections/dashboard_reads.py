"""Read-model queries of the merchant dashboard: a card's timeline, period activity."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from projections.cards import NO_SITE, utc_naive
from projections.schema import read_models

LIVE = read_models()


def timeline(conn: Connection, card_id: str, limit: int = 100) -> list[dict[str, Any]]:
    """A card's latest activity, newest first (at most `limit` rows)."""
    t = LIVE.card_activity
    query = (
        select(t)
        .where(t.c.card_id == card_id)
        .order_by(t.c.position.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def activity_totals(
    conn: Connection, merchant_id: str, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    """Per site, currency and event type: count and net balance change in a period.

    The period is [since, until) by recorded time; a card's movements count
    towards the site that sold it, as in the liability.
    """
    a, b = LIVE.card_activity, LIVE.card_balances
    site = func.coalesce(b.c.site_id, NO_SITE)
    query = (
        select(
            site.label("site_id"),
            a.c.currency,
            a.c.type,
            func.count().label("events"),
            func.coalesce(func.sum(a.c.delta), 0).label("net"),
        )
        .join(b, b.c.card_id == a.c.card_id)
        .where(a.c.merchant_id == merchant_id)
        .where(a.c.recorded_at >= utc_naive(since))
        .where(a.c.recorded_at < utc_naive(until))
        .group_by(site, a.c.currency, a.c.type)
    )
    rows = [
        {
            "site_id": r.site_id or None,
            "currency": r.currency,
            "type": r.type,
            "events": int(r.events),
            "net": int(r.net),
        }
        for r in conn.execute(query)
    ]
    return sorted(rows, key=lambda r: (r["currency"], r["site_id"] or "", r["type"]))


def exception_counts(conn: Connection, merchant_id: str) -> dict[str, int]:
    """How many receipt exceptions the merchant has, by status."""
    t = LIVE.receipt_exceptions
    query = (
        select(t.c.status, func.count())
        .where(t.c.merchant_id == merchant_id)
        .group_by(t.c.status)
    )
    counts = {"open": 0, "resolved": 0}
    counts.update({status: int(n) for status, n in conn.execute(query)})
    return counts
