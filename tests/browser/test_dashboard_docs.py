"""/docs in Chromium: the vendored Swagger UI renders /openapi.json under its CSP."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Live, shoot


def test_api_reference_renders_without_csp_violations(live: Live, page: Any) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    answer = page.goto(live.url("/docs"))
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 20  # every operation of the API
    expect(page.get_by_text("/v1/pos/redemptions").first).to_be_visible()
    assert page.get_by_text("/dashboard/cards").count() == 0  # pages are no API
    expect(page.get_by_role("link", name="Back to the dashboard")).to_be_visible()
    assert [p for p in problems if "Content Security Policy" in p] == []
    assert problems == []
    shoot(page, "docs")
