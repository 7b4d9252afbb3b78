"""Signing in and out of the dashboard, in Chromium against gunicorn."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Live, Seeded, shoot, sign_in

expect = pytest.importorskip("playwright.sync_api").expect


def test_an_owner_signs_in_and_out(page: Any, live: Live, merchant: Seeded) -> None:
    page.goto(live.url("/"))
    # Signed out: the front door leads to the sign-in form.
    assert page.url.startswith(live.url("/dashboard/sign-in"))
    shoot(page, "sign-in")
    sign_in(page, live, merchant.owner_email)
    page.wait_for_url(live.url("/dashboard/"))
    expect(page.get_by_role("heading", name="Bistro")).to_be_visible()
    expect(page.get_by_text(f"{merchant.owner_email} (owner)")).to_be_visible()
    cookie = next(
        c for c in page.context.cookies() if c["name"] == "giftledger_session"
    )
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live.url("/dashboard/sign-in"))
    page.goto(live.url("/dashboard/"))
    assert page.url.startswith(live.url("/dashboard/sign-in"))


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(
    page: Any, live: Live, merchant: Seeded
) -> None:
    answers = []
    for email, password in ((merchant.owner_email, "wrong password 123"),
                            ("nobody@example.com", "wrong password 123")):  # fmt: skip
        sign_in(page, live, email, password)
        alert = page.get_by_role("alert")
        answers.append(alert.inner_text())
        assert page.url.startswith(live.url("/dashboard/sign-in"))
    assert answers[0] == answers[1]
    assert "do not match" in answers[0]
