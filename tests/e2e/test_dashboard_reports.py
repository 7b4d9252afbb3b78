"""Dashboard reports through the real app: liability and activity, page and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient

from tests.e2e.dashboard_pages import projector, sign_up, text
from tests.e2e.support import (
    MerchantSetup,
    issue_card,
    redemption_body,
    set_up_merchant,
)

__all__ = ["projector"]


def seed(client: FlaskClient, merchant: MerchantSetup) -> None:
    """Cards at the site and with no site; a redemption of 12.34 at the site."""
    issue_card(client, merchant, 5000, code="SITE0001", site_id=merchant.site_id)
    issue_card(client, merchant, 1999, code="SITE0002", site_id=merchant.site_id)
    issue_card(client, merchant, 700, code="NOSITE01")
    paid = client.post(
        "/v1/pos/redemptions", json=redemption_body(merchant, "SITE0001", 1234),
        headers={**merchant.pos, "Idempotency-Key": "r-1"},
    )  # fmt: skip
    assert paid.status_code == 201, paid.json


def rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, text(response)[:300]
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(text(response))))


def test_liability_csv_rows_add_up_to_the_total_shown(
    app: Flask, client: FlaskClient, merchant: MerchantSetup, projector
) -> None:
    seed(client, merchant)
    other = set_up_merchant(client, "Other", "GBP", "40570261078099")
    issue_card(client, other, 99900, code="THEIRS01")  # never in our report
    user = sign_up(app, merchant, "support", "sam@bistro.test")
    page = text(user.get("/dashboard/reports"))
    total = re.search(r'data-minor="(\d+)" id="liability-total-GBP">£([\d,.]+)<', page)
    assert total.groups() == ("6465", "64.65")
    table = rows(user.get("/dashboard/reports/liability.csv"))
    assert {r["site_name"]: r["outstanding"] for r in table} == {
        "Main": "57.65", "(no site)": "7.00",
    }  # fmt: skip
    assert sum(Decimal(r["outstanding"]) for r in table) == Decimal("64.65")
    assert sum(int(r["outstanding_minor"]) for r in table) == 6465
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert rows(user.get("/dashboard/reports/liability.csv", as_of=yesterday)) == []


def test_activity_for_a_period_on_screen_and_as_csv(
    app: Flask, client: FlaskClient, merchant: MerchantSetup, projector
) -> None:
    seed(client, merchant)
    user = sign_up(app, merchant, "owner", "olive@bistro.test")
    page = text(user.get("/dashboard/reports"))
    assert "Redeemed" in page and "-£12.34" in page
    table = rows(user.get("/dashboard/reports/activity.csv"))
    found = {(r["site_name"], r["type"]): (r["events"], r["net_change"]) for r in table}
    assert found[("Main", "issued")] == ("2", "69.99")
    assert found[("Main", "redeemed")] == ("1", "-12.34")
    assert found[("(no site)", "issued")] == ("1", "7.00")
    net = sum(int(r["net_change_minor"]) for r in table)
    assert net == 6465  # a period from the start: activity sums to the liability


def test_bad_dates_are_shown_by_their_fields(
    app: Flask, merchant: MerchantSetup, projector
) -> None:
    user = sign_up(app, merchant, "owner", "olive@bistro.test")
    future = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    for query, field, words in (
        ({"as_of": "31/12/2026"}, "as_of", "YYYY-MM-DD"),
        ({"as_of": future}, "as_of", "cannot be in the future"),
        ({"since": "2026-11-10", "until": "2026-11-01"}, "until", "on or after"),
        ({"since": "1990-01-01", "until": "2026-11-01"}, "until", "five years"),
    ):
        answer = user.get("/dashboard/reports", **query)
        assert answer.status_code == 422, query
        assert f'id="{field}-error"' in text(answer) and words in text(answer)
        csv_answer = user.get("/dashboard/reports/liability.csv", **query)
        assert csv_answer.status_code == 422 and csv_answer.mimetype == "text/html"


def test_a_spreadsheet_formula_in_a_site_name_is_written_as_text(
    app: Flask, client: FlaskClient, projector
) -> None:
    merchant = set_up_merchant(client, "Evil", "GBP", "40570261078018")
    app.extensions["giftledger.ledger"].rename_site(
        UUID(merchant.merchant_id), merchant.site_id, "=HYPERLINK(1)"
    )
    issue_card(client, merchant, 100, code="EVIL0001", site_id=merchant.site_id)
    user = sign_up(app, merchant, "owner", "olive@evil.test")
    [row] = rows(user.get("/dashboard/reports/liability.csv"))
    assert row["site_name"] == "'=HYPERLINK(1)"
