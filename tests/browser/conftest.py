"""The dashboard in real headless Chromium, driving the real app under gunicorn.

One gunicorn (2 workers) and the projector serve a fresh SQLite store for the whole
session (`live`); `live_postgres` does the same on a PostgreSQL database of its own.
Each test gets a fresh merchant with an owner whose password was set through the
real set-password page. Without Playwright or /usr/bin/chromium the tests skip,
loudly; with GIFTLEDGER_REQUIRE_BROWSER=1 (set by .ci/run) they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.bench.harness import (
    ROOT,
    Server,
    free_port,
    fresh_database,
    init_db,
    service,
)
from tests.reliability.conftest import projector

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ADMIN_TOKEN = "browser-tests-admin-token-" + uuid.uuid4().hex
PASSWORD = "correct horse battery staple"
SCREENSHOTS = ROOT / "docs" / "screenshots"
WIDTHS = (768, 1280)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


if os.environ.get("GIFTLEDGER_REQUIRE_BROWSER") == "1":
    import playwright.sync_api  # noqa: F401  # missing: the run fails, never skips


def _unavailable(reason: str) -> None:
    if os.environ.get("GIFTLEDGER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests cannot run: {reason}")
    pytest.skip(f"!!! SKIPPING BROWSER TESTS: {reason}")


@dataclass
class Live:
    """A running giftledger: its address and the platform admin's token."""

    base_url: str
    database_url: str
    servers: tuple[Server, ...]

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Call the JSON API as the platform admin."""
        headers = {
            "Authorization": f"Bearer {ADMIN_TOKEN}",
            **kwargs.pop("headers", {}),
        }
        return requests.request(
            method, self.base_url + path, headers=headers, timeout=10, **kwargs
        )

    def url(self, path: str) -> str:
        """An absolute address on the live server."""
        return self.base_url + path


@dataclass
class Seeded:
    """A fresh merchant and its owner (password set, not signed in)."""

    merchant_id: str
    currency: str
    owner_email: str
    password: str


def _start(database_url: str, log_dir: Path) -> Iterator[Live]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    init_db(database_url)
    web = service(
        database_url, port, log_dir, GIFTLEDGER_ADMIN_TOKEN=ADMIN_TOKEN,
        GIFTLEDGER_PUBLIC_URL=base, GIFTLEDGER_SECRET_KEY=uuid.uuid4().hex,
        GIFTLEDGER_SIGN_IN_LIMIT="5", GIFTLEDGER_TRUSTED_PROXIES="1",
    ).start()  # fmt: skip
    proj = projector(database_url, log_dir).start()
    try:
        web.wait_http(base + "/healthz")
        yield Live(base, database_url, (web, proj))
    finally:
        web.stop()
        proj.stop()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """giftledger under gunicorn with the projector, on a fresh SQLite file."""
    folder = tmp_path_factory.mktemp("browser-sqlite")
    yield from _start(f"sqlite:///{folder}/giftledger.db", folder)


@pytest.fixture(scope="session")
def live_postgres(
    tmp_path_factory: pytest.TempPathFactory, postgres_server_url: str
) -> Iterator[Live]:
    """The same on a PostgreSQL database of its own."""
    folder = tmp_path_factory.mktemp("browser-postgres")
    with fresh_database("browser") as url:
        yield from _start(url, folder)


def seed_merchant(live: Live, currency: str = "GBP", name: str = "Bistro") -> Seeded:
    """A merchant registered through the API, with an owner whose password is set."""
    made = live.api("POST", "/v1/merchants", json={"name": name, "currency": currency})
    assert made.status_code == 201, made.text
    merchant_id = made.json()["merchant_id"]
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    set_password(live, invite(live, merchant_id, email, "owner"), email)
    return Seeded(merchant_id, currency, email, PASSWORD)


def invite(live: Live, merchant_id: str, email: str, role: str) -> str:
    """Invite a user through the admin API; returns the set-password link."""
    answer = live.api(
        "POST",
        f"/v1/merchants/{merchant_id}/users",
        json={"email": email, "role": role},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["set_password_url"])


def set_password(live: Live, link: str, email: str, password: str = PASSWORD) -> None:
    """Use a set-password link over plain HTTP (the form and its CSRF token)."""
    browser = requests.Session()
    form = browser.get(link, timeout=10)
    token = CSRF.search(form.text)
    assert token, form.text
    done = browser.post(
        link, data={"csrf_token": token.group(1), "password": password,
                    "confirm": password}, timeout=10, allow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 302, done.text


def seed_user(live: Live, merchant: Seeded, role: str) -> tuple[str, str]:
    """Another user of the merchant with `role`; returns (email, password)."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    set_password(live, invite(live, merchant.merchant_id, email, role), email)
    return email, PASSWORD


@pytest.fixture
def merchant(live: Live) -> Seeded:
    """A fresh merchant with an owner."""
    return seed_merchant(live)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"playwright is not installed ({error})")
    if not shutil.which(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page, 1280 x 900."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Any, live: Live, email: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in form, as a person would."""
    page.goto(live.url("/dashboard/sign-in"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def signed_in(page: Any, live: Live, merchant: Seeded) -> Any:
    """A page signed in as the merchant's owner, on the overview."""
    sign_in(page, live, merchant.owner_email)
    page.wait_for_url(live.url("/dashboard/"))
    return page


def shoot(page: Any, name: str) -> None:
    """Screenshots of the page at tablet and laptop width, for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def own_location() -> str:
    """A Lightspeed business location id of its own: one location, one merchant."""
    return str(10**13 + uuid.uuid4().int % (9 * 10**13))


def sample_at(name: str, location: str) -> bytes:
    """A sample RTN payload, sent from `location` instead of the samples' own."""
    from tests.lightspeed_support import LOCATION, sample_bytes

    return sample_bytes(name).replace(LOCATION.encode(), location.encode())
