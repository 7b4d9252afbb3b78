"""Set-up for the browser tests of the card, exception and report pages (the API)."""

from __future__ import annotations

import json
import re
import statistics
import time
import uuid
from typing import Any

import requests

from tests.browser.conftest import Live, Seeded
from tests.lightspeed_support import RTN, SETTINGS, basic, payment, receipt

ACCESS_LINE = re.compile(
    r'"method": "GET", "path": "(?P<path>[^"]+)", "status": 200, "ms": (?P<ms>[\d.]+)'
)


def location_of(merchant: Seeded) -> str:
    """A Lightspeed location of this merchant's own: the session's merchants share
    one database, and a location belongs to one merchant."""
    return str(10**13 + uuid.UUID(merchant.merchant_id).int % 10**13)


def add_site(live: Live, merchant: Seeded, name: str = "Main street") -> str:
    """A site at the merchant's Lightspeed location; returns its id."""
    body = {"name": name, "lightspeed_business_location_id": location_of(merchant)}
    made = live.api("POST", f"/v1/merchants/{merchant.merchant_id}/sites", json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["site_id"])


def issue(live: Live, merchant: Seeded, code: str, amount: int, **extra: Any) -> None:
    """A card issued through the admin API."""
    body = {"code": code, "amount": amount, "currency": merchant.currency, **extra}
    made = live.api("POST", f"/v1/merchants/{merchant.merchant_id}/cards", json=body)
    assert made.status_code == 201, made.text


def card(live: Live, merchant: Seeded, code: str) -> dict[str, Any]:
    """A card as the admin API answers it (straight from its events)."""
    got = live.api("GET", f"/v1/merchants/{merchant.merchant_id}/cards/{code}")
    assert got.status_code == 200, got.text
    return got.json()  # type: ignore[no-any-return]


def receipt_with_unknown_card(live: Live, merchant: Seeded) -> dict[str, Any]:
    """Set Lightspeed up and post a receipt paid with a card that does not exist."""
    path = f"/v1/merchants/{merchant.merchant_id}"
    settings = live.api("PUT", f"{path}/integrations/lightspeed", json=SETTINGS)
    assert settings.status_code == 200, settings.text
    hook = live.api("POST", f"{path}/credentials", json={"kind": "webhook"}).json()
    paid = [payment(1, "4.00", reference="MISSING1")]
    body = receipt(71, payments=paid, location=location_of(merchant))
    sent = requests.post(
        live.url(RTN), data=json.dumps(body), timeout=10,
        headers={**basic(hook["username"], hook["secret"]),
                 "Content-Type": "application/json"},
    )  # fmt: skip
    assert sent.status_code == 200, sent.text
    return body


def server_ms(live: Live, path: str, at_least: int) -> list[float]:
    """The server-side times (the access log's ms) of the 200 GETs of paths
    matching the regular expression `path` (the log masks what follows /cards/);
    waits a little for the workers' log lines to reach the file."""
    wanted = re.compile(path)
    deadline = time.monotonic() + 10
    while True:
        log = live.servers[0].log_path.read_text()
        found = [
            float(m["ms"])
            for m in ACCESS_LINE.finditer(log)
            if wanted.fullmatch(m["path"])
        ]
        if len(found) >= at_least or time.monotonic() > deadline:
            assert len(found) >= at_least, (len(found), live.servers[0].log_path)
            return found
        time.sleep(0.1)


def median_ms(values: list[float]) -> float:
    """The median of some times."""
    return statistics.median(values)
