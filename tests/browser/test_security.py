"""CSRF, merchant isolation, the sign-in throttle across workers, security headers."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import requests

from tests.browser.conftest import Live, Seeded, seed_merchant, sign_in

expect = pytest.importorskip("playwright.sync_api").expect
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)


def test_a_form_posted_without_its_csrf_token_is_refused(
    signed_in: Any, live: Live, merchant: Seeded
) -> None:
    page = signed_in
    page.goto(live.url("/dashboard/integration"))
    form = page.locator("form[action$='/integration/sites']")
    form.locator("input[name=csrf_token]").evaluate("input => input.remove()")
    page.get_by_label("Site name").fill("Forged")
    page.get_by_label("Lightspeed business location id").fill("123456")
    page.get_by_role("button", name="Add site").click()
    expect(page.get_by_role("heading", name="Something was wrong")).to_be_visible()
    expect(page.get_by_text("This form has expired")).to_be_visible()
    # A forged cross-site post (the session cookie, no token) changes nothing either.
    forged = page.request.post(
        live.url("/dashboard/integration/sites"),
        form={"name": "Forged", "location_id": "654321"}, max_redirects=0,
    )  # fmt: skip
    assert forged.status == 400
    sites = live.api("GET", f"/v1/merchants/{merchant.merchant_id}").json()["sites"]
    assert sites == []


def test_a_user_of_one_merchant_cannot_act_on_another(
    signed_in: Any, live: Live, merchant: Seeded
) -> None:
    other = seed_merchant(live, name="Other bistro")
    site = live.api(
        "POST", f"/v1/merchants/{other.merchant_id}/sites",
        json={"name": "Theirs", "lightspeed_business_location_id": "9"},
    )  # fmt: skip
    credential = live.api("POST", f"/v1/merchants/{other.merchant_id}/credentials",
                          json={"kind": "webhook"}).json()  # fmt: skip
    their_owner = live.api("GET", f"/v1/merchants/{other.merchant_id}/users").json()
    owner_id = their_owner["items"][0]["user_id"]
    page = signed_in
    cid = credential["credential_id"]

    page.goto(live.url(f"/dashboard/integration/credentials/{cid}/revoke"))
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    for path, form in (
        (f"/dashboard/integration/credentials/{cid}/revoke", {}),
        (f"/dashboard/integration/credentials/{cid}/rotate", {}),
        (f"/dashboard/integration/sites/{site.json()['site_id']}", {"name": "Mine"}),
        (f"/dashboard/team/{owner_id}/disable", {}),
        (f"/dashboard/team/{owner_id}/role", {"role": "support"}),
    ):
        answer = _post_with_token(page, live, path, form)
        assert answer.status in (404, 422), (path, answer.status)
    # Nothing of theirs changed, and nothing of theirs is on our pages.
    theirs = live.api("GET", f"/v1/merchants/{other.merchant_id}").json()
    assert [s["name"] for s in theirs["sites"]] == ["Theirs"]
    listed = live.api("GET", f"/v1/merchants/{other.merchant_id}/credentials").json()
    assert [c["revoked"] for c in listed["items"]] == [False]
    users = live.api("GET", f"/v1/merchants/{other.merchant_id}/users").json()
    assert [(u["role"], u["status"]) for u in users["items"]] == [("owner", "active")]
    for path in ("/dashboard/", "/dashboard/integration", "/dashboard/team"):
        page.goto(live.url(path))
        html = page.content()
        assert credential["username"] not in html and other.owner_email not in html
        assert "Theirs" not in html


def _post_with_token(page: Any, live: Live, path: str, form: dict[str, str]) -> Any:
    page.goto(live.url("/dashboard/integration"))
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    return page.request.post(
        live.url(path), form={"csrf_token": token, **form}, max_redirects=0
    )


def test_sign_in_is_throttled_per_account_across_workers(
    page: Any, live: Live, merchant: Seeded
) -> None:
    statuses = [_try(live, merchant.owner_email, "wrong password 123", _address())
                for _ in range(5)]  # fmt: skip
    assert statuses == [401] * 5
    # Fresh connections land on both gunicorn workers: every one of them refuses,
    # even the right password, so the throttle is counted in one place.
    later = [_try(live, merchant.owner_email, merchant.password, _address())
             for _ in range(6)]  # fmt: skip
    assert later == [429] * 6
    sign_in(page, live, merchant.owner_email)
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-ins")
    # Another account from elsewhere is not affected by this one's lock.
    other = seed_merchant(live)
    assert _try(live, other.owner_email, other.password, _address()) == 302


def test_sign_in_is_throttled_per_address(live: Live) -> None:
    emails = [f"guess-{uuid.uuid4().hex[:6]}@example.com" for _ in range(21)]
    address = _address()  # as the proxy in front reports it (X-Forwarded-For)
    statuses = [_try(live, email, "wrong password 123", address) for email in emails]
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


def _address() -> str:
    return (
        f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    )


def _try(live: Live, email: str, password: str, address: str) -> int:
    browser = requests.Session()
    form = browser.get(live.url("/dashboard/sign-in"), timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    answer = browser.post(
        live.url("/dashboard/sign-in"),
        data={"csrf_token": token.group(1), "email": email, "password": password},
        headers={"Connection": "close", "X-Forwarded-For": address},
        allow_redirects=False, timeout=10,
    )  # fmt: skip
    return answer.status_code


def test_every_page_carries_the_security_headers_and_no_inline_script(
    signed_in: Any, live: Live
) -> None:
    page = signed_in
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)  # fmt: skip
    for path in ("/dashboard/", "/dashboard/integration", "/dashboard/team",
                 "/dashboard/no-such-page", "/dashboard/sign-in"):  # fmt: skip
        answer = page.goto(live.url(path))
        headers = answer.all_headers()
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        html = page.content()
        assert not INLINE_SCRIPT.search(html), path
        assert not STYLE_ATTRIBUTE.search(html), path
    page.get_by_role("link", name="Lightspeed integration").first.click()
    page.get_by_role("button", name="Generate webhook credential").click()
    page.get_by_role("button", name="Copy username").click()
    expect(page.locator("#copy-status")).not_to_be_empty()
    assert violations == []
    # The JSON API keeps its bearer tokens and needs no CSRF token.
    made = live.api("POST", "/v1/merchants", json={"name": "API", "currency": "EUR"})
    assert made.status_code == 201
    assert (
        requests.get(live.url("/"), allow_redirects=False, timeout=5)
        .headers["Location"]
        .endswith("/dashboard/")
    )
