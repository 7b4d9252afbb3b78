"""Read-model queries of the dashboard's overview: daily activity, open exceptions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, func, select

from projections.schema import read_models

LIVE = read_models()
# Activity types the overview counts, by what a merchant calls them.
KINDS = {"issued": "sold", "loaded": "loaded", "redeemed": "redeemed",
         "hold_captured": "redeemed"}  # fmt: skip


def daily_activity(
    conn: Connection, merchant_id: str, since: datetime
) -> dict[tuple[date, str, str], tuple[int, int]]:
    """(day, kind, currency) -> (events, amount) of cards sold, loaded, redeemed."""
    a = LIVE.card_activity
    day = func.date(a.c.recorded_at)
    query = (
        select(day, a.c.type, a.c.currency, func.count(), func.sum(a.c.amount))
        .where(a.c.merchant_id == merchant_id)
        .where(a.c.recorded_at >= since)
        .where(a.c.type.in_(list(KINDS)))
        .group_by(day, a.c.type, a.c.currency)
    )
    found: dict[tuple[date, str, str], tuple[int, int]] = {}
    for raw_day, kind, currency, count, amount in conn.execute(query):
        the_day = raw_day if isinstance(raw_day, date) else date.fromisoformat(raw_day)
        key = (the_day, KINDS[kind], currency)
        events, total = found.get(key, (0, 0))
        found[key] = (events + int(count), total + int(amount or 0))
    return found


def open_exceptions(conn: Connection, merchant_id: str) -> int:
    """How many receipt exceptions of the merchant wait to be resolved."""
    t = LIVE.receipt_exceptions
    query = select(func.count()).where(
        t.c.merchant_id == merchant_id, t.c.status == "open"
    )
    return int(conn.execute(query).scalar_one())
