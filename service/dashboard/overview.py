"""Overview: liability, today's and 30 days' activity, exceptions, last receipts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import render_template

from projections import overview_reads, queries
from service.dashboard.blueprint import bp
from service.dashboard.chart import KINDS, bar_chart
from service.dashboard.money_format import format_money
from service.dashboard.session import ANYONE, merchant_id, signed_in
from service.http.auth import ledger
from service.store import usage
from service.store.read_engine import read_engine

DAYS = 30


@bp.get("/")
@signed_in(*ANYONE)
def overview() -> str:
    """The merchant at a glance."""
    mid = merchant_id()
    merchant = ledger().merchant(mid)
    today = ledger().clock().astimezone(UTC).date()
    days = [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    since = datetime.combine(days[0], time.min)
    with read_engine().connect() as conn:
        liability = queries.liability(conn, str(mid))
        activity = overview_reads.daily_activity(conn, str(mid), since)
        open_exceptions = overview_reads.open_exceptions(conn, str(mid))
    seen = usage.last_used(read_engine(), str(mid))
    currency = merchant.currency
    amounts = {(d, k): total for (d, k, c), (_, total) in activity.items()
               if c == currency}  # fmt: skip
    return render_template(
        "dashboard/overview.html",
        merchant=merchant,
        totals=_totals(liability),
        liability=liability,
        site_names=_site_names(merchant),
        today=_summary(activity, {today}),
        month=_summary(activity, set(days)),
        chart=bar_chart(days, amounts, lambda minor: format_money(minor, currency)),
        kinds=KINDS,
        days=days,
        amounts=amounts,
        open_exceptions=open_exceptions,
        sites=_site_receipts(merchant, seen),
        currency=currency,
    )


def _site_names(merchant: Any) -> dict[str | None, str]:
    names: dict[str | None, str] = {None: "No site (issued by an admin)"}
    names.update({site_id: site["name"] for site_id, site in merchant.sites.items()})
    return names


def _totals(liability: list[dict[str, Any]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in liability:
        totals[row["currency"]] = totals.get(row["currency"], 0) + row["outstanding"]
    return dict(sorted(totals.items()))


def _summary(
    activity: dict[tuple[date, str, str], tuple[int, int]], days: set[date]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, currency) -> (events, amount) over `days`."""
    found: dict[tuple[str, str], tuple[int, int]] = {}
    for (day, kind, currency), (count, amount) in activity.items():
        if day in days:
            events, total = found.get((kind, currency), (0, 0))
            found[(kind, currency)] = (events + count, total + amount)
    return found


def _site_receipts(
    merchant: Any, seen: dict[tuple[str, str], datetime]
) -> list[dict[str, Any]]:
    return [
        {"site_id": site_id, "name": site["name"],
         "location": site["lightspeed_business_location_id"],
         "last_receipt": seen.get(("site", site_id))}
        for site_id, site in merchant.sites.items()
    ]  # fmt: skip
