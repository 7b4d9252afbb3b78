"""Read queries the API serves from the projections."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from projections.cards import NO_SITE, utc_naive
from projections.schema import read_models

LIVE = read_models()


def card_row(conn: Connection, merchant_id: str, card_id: str) -> dict[str, Any] | None:
    """A card's projected balance row, if this merchant has that card."""
    t = LIVE.card_balances
    row = (
        conn.execute(
            select(t).where(t.c.card_id == card_id, t.c.merchant_id == merchant_id)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def activity_page(
    conn: Connection,
    card_id: str,
    *,
    types: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    after: int = 0,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """A page of a card's activity, oldest first, after a position (the cursor)."""
    t = LIVE.card_activity
    query = select(t).where(t.c.card_id == card_id, t.c.position > after)
    if types:
        query = query.where(t.c.type.in_(list(types)))
    if since is not None:
        query = query.where(t.c.recorded_at >= utc_naive(since))
    if until is not None:
        query = query.where(t.c.recorded_at < utc_naive(until))
    query = query.order_by(t.c.position).limit(limit)
    return [dict(row) for row in conn.execute(query).mappings()]


def liability(
    conn: Connection,
    merchant_id: str,
    *,
    as_of: datetime | None = None,
    site_id: str | None = None,
) -> list[dict[str, Any]]:
    """Outstanding balances per site and currency, now or as of a past moment.

    Now: the liability table. As of a moment: the sum of the balance movements
    recorded up to then (card_activity), so a past date gives the past figure.
    Each card's money counts towards the site that sold it.
    """
    if as_of is None:
        t = LIVE.liability
        query = select(t.c.site_id, t.c.currency, t.c.outstanding).where(
            t.c.merchant_id == merchant_id
        )
        if site_id is not None:
            query = query.where(t.c.site_id == (site_id or NO_SITE))
    else:
        a, b = LIVE.card_activity, LIVE.card_balances
        site = func.coalesce(b.c.site_id, NO_SITE)
        query = (
            select(site.label("site_id"), a.c.currency, func.sum(a.c.delta))
            .join(b, b.c.card_id == a.c.card_id)
            .where(a.c.merchant_id == merchant_id)
            .where(a.c.recorded_at <= utc_naive(as_of))
            .group_by(site, a.c.currency)
        )
        if site_id is not None:
            query = query.where(site == (site_id or NO_SITE))
    rows = conn.execute(query).all()
    return [
        {"site_id": s or None, "currency": c, "outstanding": int(amount or 0)}
        for s, c, amount in sorted(rows, key=lambda r: (r[1], r[0]))
    ]


def receipt_exceptions(
    conn: Connection, merchant_id: str, status: str | None = None
) -> list[dict[str, Any]]:
    """A merchant's receipt exceptions, newest first (optionally of one status)."""
    t = LIVE.receipt_exceptions
    query = select(t).where(t.c.merchant_id == merchant_id)
    if status is not None:
        query = query.where(t.c.status == status)
    query = query.order_by(t.c.position.desc(), t.c.exception_id)
    return [dict(row) for row in conn.execute(query).mappings()]
