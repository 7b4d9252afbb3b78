"""Dashboard reports: liability as of a date and activity for a period, page and CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from flask import Response, render_template, request

from domain.errors import InvalidRequest
from domain.money import to_major
from projections import dashboard_reads, queries
from service.dashboard.blueprint import bp
from service.dashboard.errors import field_errors
from service.dashboard.session import ANYONE, merchant_id, signed_in
from service.http.auth import ledger
from service.store.read_engine import read_engine

PERIOD_DAYS = 30
LONGEST_PERIOD = timedelta(days=366 * 5)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _day(field: str, text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequest(
            "bad date", {field: ["Give the date as YYYY-MM-DD."]}
        ) from None


def report_dates(args: dict[str, str]) -> dict[str, Any]:
    """The report's dates from the query; every bad one named by its field."""
    # Reports filter on when events were recorded (the event store's clock).
    today = datetime.now(UTC).date()
    errors: dict[str, list[str]] = {}
    found: dict[str, date] = {}
    defaults = {
        "as_of": today,
        "since": today - timedelta(days=PERIOD_DAYS - 1),
        "until": today,
    }  # fmt: skip
    for field, default in defaults.items():
        try:
            found[field] = _day(field, args.get(field), default)
        except InvalidRequest as error:
            errors.update(error.errors)
    if "as_of" in found and found["as_of"] > today:
        errors["as_of"] = ["The date cannot be in the future."]
    if "since" in found and "until" in found:
        if found["since"] > found["until"]:
            errors["until"] = ["The period must end on or after its first day."]
        elif found["until"] - found["since"] > LONGEST_PERIOD:
            errors["until"] = ["Choose a period of at most five years."]
    if errors:
        raise InvalidRequest("the report dates are not valid", errors)
    end_of = datetime.combine(found["as_of"], time.max, tzinfo=UTC)
    return {
        **found,
        # The end of the chosen day, or now when that day is today.
        "as_of_moment": None if found["as_of"] == today else end_of,
        "since_moment": datetime.combine(found["since"], time.min, tzinfo=UTC),
        "until_moment": datetime.combine(
            found["until"] + timedelta(days=1), time.min, tzinfo=UTC
        ),
    }


def report_data(mid: UUID, dates: dict[str, Any]) -> dict[str, Any]:
    """Liability per site and currency, totals, and the period's activity."""
    with read_engine().connect() as conn:
        sites = queries.liability(conn, str(mid), as_of=dates["as_of_moment"])
        activity = dashboard_reads.activity_totals(
            conn, str(mid), dates["since_moment"], dates["until_moment"]
        )
    totals: dict[str, int] = {}
    for row in sites:
        totals[row["currency"]] = totals.get(row["currency"], 0) + row["outstanding"]
    names = {k: v["name"] for k, v in ledger().merchant(mid).sites.items()}
    return {"liability": sites, "totals": totals, "activity": activity, "names": names}


def major(minor: int, currency: str) -> str:
    """An exact decimal string of major units ("12.50"), never through a float."""
    return format(to_major(minor, currency), "f")


def safe_text(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def site_name(names: dict[str, str], site_id: str | None) -> str:
    """A site's name; cards sold with no site are listed as such."""
    return names.get(site_id or "", "(no site)") if site_id else "(no site)"


@bp.get("/reports")
@signed_in(*ANYONE)
def reports() -> tuple[str, int]:
    """The reports page; bad dates are shown by their fields."""
    args = request.args.to_dict()
    try:
        dates = report_dates(args)
    except InvalidRequest as error:
        form = {k: args.get(k, "") for k in ("as_of", "since", "until")}
        page = render_template(
            "dashboard/reports.html", errors=field_errors(error), form=form, data=None
        )
        return page, 422
    data = report_data(merchant_id(), dates)
    form = {k: dates[k].isoformat() for k in ("as_of", "since", "until")}
    return render_template(
        "dashboard/reports.html", errors={}, form=form, data=data, site_name=site_name
    ), 200


def _csv(name: str, header: list[str], rows: list[list[Any]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/reports/liability.csv")
@signed_in(*ANYONE)
def liability_csv() -> Response | tuple[str, int]:
    """Liability as of a date, one row per site and currency."""
    try:
        dates = report_dates(request.args.to_dict())
    except InvalidRequest:
        return reports()
    data = report_data(merchant_id(), dates)
    rows = [
        [
            dates["as_of"].isoformat(), row["site_id"] or "",
            safe_text(site_name(data["names"], row["site_id"])), row["currency"],
            major(row["outstanding"], row["currency"]), row["outstanding"],
        ]
        for row in data["liability"]
    ]  # fmt: skip
    header = ["as_of", "site_id", "site_name", "currency", "outstanding",
              "outstanding_minor"]  # fmt: skip
    return _csv(f"liability-{dates['as_of'].isoformat()}.csv", header, rows)


@bp.get("/reports/activity.csv")
@signed_in(*ANYONE)
def activity_csv() -> Response | tuple[str, int]:
    """The period's activity, one row per site, currency and event type."""
    try:
        dates = report_dates(request.args.to_dict())
    except InvalidRequest:
        return reports()
    data = report_data(merchant_id(), dates)
    rows = [
        [
            dates["since"].isoformat(), dates["until"].isoformat(),
            row["site_id"] or "",
            safe_text(site_name(data["names"], row["site_id"])), row["currency"],
            row["type"], row["events"], major(row["net"], row["currency"]), row["net"],
        ]
        for row in data["activity"]
    ]  # fmt: skip
    header = ["since", "until", "site_id", "site_name", "currency", "type", "events",
              "net_change", "net_change_minor"]  # fmt: skip
    name = f"activity-{dates['since'].isoformat()}-{dates['until'].isoformat()}.csv"
    return _csv(name, header, rows)
