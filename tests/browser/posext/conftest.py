"""The POS extension in headless Chromium against the real app under gunicorn.

One PostgreSQL database and one gunicorn for the session (tests/bench/harness.py),
the one Chromium of tests/browser/conftest.py (a second Playwright in a process fails),
a merchant set up through the HTTP API, and a page per test at an iPad size with
the POS test double (pos_double.js) injected before the page's own script.
POSEXT_SCREENSHOTS=1 writes each step's screenshot to docs/screenshots/.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page

from tests.bench.harness import free_port, fresh_database, init_db, service
from tests.lightspeed_support import LOCATION, SETTINGS, basic

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parents[2] / "docs" / "screenshots"
ADMIN_TOKEN = "posext-browser-admin-token"
SIZES = {"1024x768": (1024, 768), "810x1080": (810, 1080)}


class _Http(requests.Session):
    """requests with a timeout on every call: a hung server fails the test."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Session.request, 10 s unless told otherwise."""
        kwargs.setdefault("timeout", 10)
        return super().request(*args, **kwargs)


HTTP = _Http()


@dataclass
class Shop:
    """The running service and a merchant with one site, set up over HTTP."""

    base: str
    merchant_id: str
    site_id: str
    pos: dict[str, str]
    webhook: dict[str, str]
    admin: dict[str, str] = field(
        default_factory=lambda: {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )

    @property
    def path(self) -> str:
        """The merchant's admin API prefix."""
        return f"{self.base}/v1/merchants/{self.merchant_id}"

    def card(self, amount: int, currency: str = "GBP", **extra: Any) -> str:
        """Issue a card with a fresh code; returns the code."""
        code = f"7741{random.randrange(10**11, 10**12)}"
        body = {"amount": amount, "currency": currency, "code": code, **extra}
        answer = HTTP.post(f"{self.path}/cards", json=body, headers=self.admin)
        assert answer.status_code == 201, answer.text
        return code

    def balance(self, code: str) -> dict[str, Any]:
        """The card as the POS API shows it now."""
        return HTTP.get(f"{self.base}/v1/pos/cards/{code}", headers=self.pos).json()

    def device(self) -> dict[str, Any]:
        """A device paired through the API (what the page keeps in localStorage)."""
        url = f"{self.path}/sites/{self.site_id}/pairing-codes"
        code = HTTP.post(url, headers=self.admin).json()["code"]
        paired = HTTP.post(f"{self.base}/v1/pos-extension/pair", json={"code": code})
        assert paired.status_code == 201, paired.text
        return paired.json()  # type: ignore[no-any-return]

    def close(self, receipt: dict[str, Any]) -> dict[str, Any]:
        """POST an RTN receipt as Lightspeed would."""
        url = f"{self.base}/v1/webhooks/lightspeed/rtn"
        answer = HTTP.post(url, json=receipt, headers=self.webhook)
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]


def _created(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def shop() -> Iterator[Shop]:
    """giftledger under gunicorn on a fresh PostgreSQL database, one merchant."""
    with fresh_database("posext") as url, tempfile.TemporaryDirectory() as logs:
        init_db(url)
        port = free_port()
        server = service(url, port, Path(logs), GIFTLEDGER_ADMIN_TOKEN=ADMIN_TOKEN)
        server.start()
        base = f"http://127.0.0.1:{port}"
        try:
            server.wait_http(f"{base}/healthz")
            yield _set_up(base)
        finally:
            server.stop()


def _set_up(base: str) -> Shop:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    body = {"name": "Bistro", "currency": "GBP"}
    merchant = _created(HTTP.post(f"{base}/v1/merchants", json=body, headers=admin))
    path = f"{base}/v1/merchants/{merchant['merchant_id']}"
    site = {"name": "Main street", "lightspeed_business_location_id": int(LOCATION)}
    site_id = _created(HTTP.post(f"{path}/sites", json=site, headers=admin))
    answer = HTTP.put(f"{path}/integrations/lightspeed", json=SETTINGS, headers=admin)
    assert answer.status_code == 200, answer.text
    pos = _created(
        HTTP.post(f"{path}/credentials", json={"kind": "pos"}, headers=admin)
    )
    hook = _created(
        HTTP.post(f"{path}/credentials", json={"kind": "webhook"}, headers=admin)
    )
    return Shop(
        base, merchant["merchant_id"], site_id["site_id"],
        {"Authorization": f"Bearer {pos['secret']}"},
        basic(hook["username"], hook["secret"]),
    )  # fmt: skip


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    """Both iPad sizes: landscape 1024x768, portrait 810x1080."""
    return request.param  # type: ignore[no-any-return]


@dataclass
class Till:
    """A page of the extension at one size, with the POS double's record."""

    page: Page
    size: str
    account_id: int

    def calls(self, name: str | None = None) -> list[dict[str, Any]]:
        """What the page asked of the POS, in order."""
        made = self.page.evaluate("window.__pos.calls")
        return [c for c in made if name is None or c["name"] == name]

    def shot(self, step: str) -> None:
        """A screenshot of this step, when asked for (POSEXT_SCREENSHOTS=1)."""
        if os.environ.get("POSEXT_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(
                path=str(SCREENSHOTS / f"posext-{self.size}-{step}.png")
            )


@pytest.fixture
def open_till(browser: Browser, shop: Shop, size: str) -> Iterator[Callable[..., Till]]:
    """Open the extension: `open_till(left_to_pay=..., device=..., add_payment=...)`."""
    contexts = []

    def opener(left_to_pay: int = 5000, device: Any = True, **config: Any) -> Till:
        width, height = SIZES[size]
        context = browser.new_context(viewport={"width": width, "height": height},
                                      has_touch=True, locale="en-GB")  # fmt: skip
        contexts.append(context)
        account_id = random.randrange(10**11, 10**12)
        settings = {
            "account": {"id": account_id, "businessLocationId": int(LOCATION),
                        "totalAmount": left_to_pay, "paidAmount": 0,
                        "identifier": f"T{account_id}"},
            "device": shop.device() if device is True else device,
            **config,
        }  # fmt: skip
        context.add_init_script(f"window.__posConfig = {json.dumps(settings)};")
        context.add_init_script(path=str(HERE / "pos_double.js"))
        page = context.new_page()
        page.goto(f"{shop.base}/pos-extension/")
        return Till(page, size, account_id)

    yield opener
    for context in contexts:
        context.close()
