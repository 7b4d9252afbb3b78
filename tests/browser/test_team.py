"""The Team page: an owner invites a support user, who cannot reach the money pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, Live, Seeded, shoot, sign_in

expect = pytest.importorskip("playwright.sync_api").expect


def test_an_owner_invites_support_who_cannot_manage_money_or_the_team(
    signed_in: Any, browser: Any, live: Live, merchant: Seeded
) -> None:
    owner = signed_in
    owner.get_by_role("link", name="Team").click()
    owner.get_by_label("E-mail address").fill("not an address")
    owner.get_by_role("button", name="Invite").click()
    # The browser's own check stops it first; the server's answer is the same.
    owner.get_by_label("E-mail address").evaluate("input => input.type = 'text'")
    owner.get_by_role("button", name="Invite").click()
    expect(owner.locator("#email-error")).to_contain_text("not an e-mail address")

    owner.get_by_label("E-mail address").fill("Sam.Support@Example.com")
    owner.get_by_label("Role").select_option("support")
    owner.get_by_role("button", name="Invite").click()
    link = owner.locator("#invite-link").inner_text()
    assert link.startswith(live.url("/dashboard/set-password/"))
    expect(owner.get_by_role("row", name="sam.support@example.com")).to_contain_text(
        "invited"
    )
    shoot(owner, "team")

    support_context = browser.new_context(viewport={"width": 1280, "height": 900})
    support = support_context.new_page()
    support.goto(link)
    support.get_by_label("New password", exact=True).fill("short")
    support.get_by_label("New password again").fill("short")
    support.get_by_role("button", name="Set password and sign in").click()
    expect(support.locator("#password-error")).to_contain_text("at least 12")
    support.get_by_label("New password", exact=True).fill(PASSWORD)
    support.get_by_label("New password again").fill(PASSWORD)
    support.get_by_role("button", name="Set password and sign in").click()
    support.wait_for_url(live.url("/dashboard/"))
    nav = support.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Overview")).to_be_visible()
    expect(nav.get_by_role("link", name="Lightspeed integration")).to_have_count(0)
    expect(nav.get_by_role("link", name="Team")).to_have_count(0)
    for path in ("/dashboard/integration", "/dashboard/team"):
        answer = support.goto(live.url(path))
        assert answer.status == 403
        expect(support.get_by_role("heading", name="Not allowed")).to_be_visible()
    # The link was used up.
    support.goto(link)
    expect(support.get_by_text("expired or was already used")).to_be_visible()

    owner.goto(live.url("/dashboard/team"))
    owner.get_by_role("button", name="Disable sam.support@example.com").click()
    expect(owner.get_by_text("can no longer sign in")).to_be_visible()
    support.goto(live.url("/dashboard/"))
    assert support.url.startswith(live.url("/dashboard/sign-in"))
    sign_in(support, live, "sam.support@example.com")
    expect(support.get_by_role("alert")).to_contain_text("do not match")
    support_context.close()
