"""Reports in Chromium against gunicorn: the liability CSV adds up to its total."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.browser.conftest import Live, seed_merchant, shoot, sign_in
from tests.browser.pages_support import add_site, issue


def test_liability_csv_rows_add_up_to_the_liability_shown(
    live: Live, page: Any, tmp_path: Path
) -> None:
    merchant = seed_merchant(live)
    site = add_site(live, merchant)
    issue(live, merchant, "REPORT0001", 5000, site_id=site)
    issue(live, merchant, "REPORT0002", 1999, site_id=site)
    issue(live, merchant, "REPORT0003", 701)
    sign_in(page, live, merchant.owner_email)
    page.wait_for_url(live.url("/dashboard/"))
    page.get_by_role("link", name="Reports").first.click()
    total = page.locator("#liability-total-GBP")
    assert total.inner_text() == "£77.00"
    shoot(page, "reports")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download liability as CSV").click()
    saved = tmp_path / "liability.csv"
    download.value.save_as(saved)
    with saved.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2  # one per site (and the cards sold with no site)
    assert sum(Decimal(r["outstanding"]) for r in rows) == Decimal("77.00")
    assert sum(int(r["outstanding_minor"]) for r in rows) == int(
        total.get_attribute("data-minor")
    )

    page.get_by_label("As of").fill("2020-13-01")  # the browser's date field
    assert page.get_by_label("As of").input_value() == ""  # refuses a 13th month
    page.goto(live.url("/dashboard/reports?as_of=31/12/2026"))
    assert "YYYY-MM-DD" in page.locator("#as_of-error").inner_text()
