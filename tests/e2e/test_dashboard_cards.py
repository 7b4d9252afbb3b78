"""Dashboard card pages through the real app: look-up, adjust, block, void, issue."""

from __future__ import annotations

import re
from dataclasses import replace
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient

from domain.card_codes import card_id
from service.app import create_app
from service.config import Config
from tests.e2e.dashboard_pages import Signed, projector, sign_up, text
from tests.e2e.support import MerchantSetup, issue_card, set_up_merchant

__all__ = ["projector"]
CODE = "4000123412341234"


def find(user: Signed, code: str) -> str:
    """Look a card up; returns the card page's path."""
    answer = user.post("/dashboard/cards", code=code)
    assert answer.status_code == 302, text(answer)[:400]
    return answer.headers["Location"]


def test_look_up_shows_the_masked_code_only_and_no_code_in_the_url(
    app: Flask, client: FlaskClient, merchant: MerchantSetup, projector
) -> None:
    issue_card(client, merchant, 2500, code=CODE)
    user = sign_up(app, merchant, "support", "sam@bistro.test")
    path = find(user, " 4000 1234 1234 1234 ")  # a scanner's spaces are dropped
    assert CODE not in path
    assert path == f"/dashboard/cards/{card_id(UUID(merchant.merchant_id), CODE)}"
    page = text(user.get(path))
    assert "****1234" in page and CODE not in page
    assert "£25.00" in page
    assert "Issued" in page  # the timeline, from the projections


def test_unknown_card_says_card_not_found_by_the_field(
    app: Flask, merchant: MerchantSetup, projector
) -> None:
    user = sign_up(app, merchant, "owner", "olive@bistro.test")
    answer = user.post("/dashboard/cards", code="9999888877776666")
    assert answer.status_code == 404
    page = text(answer)
    assert "No gift card with that code exists for this merchant" in page
    assert "card_not_found" in page
    assert 'id="code-error"' in page and "9999888877776666" not in page


def test_malformed_code_is_refused_by_the_field(
    app: Flask, merchant: MerchantSetup, projector
) -> None:
    user = sign_up(app, merchant, "owner", "olive@bistro.test")
    answer = user.post("/dashboard/cards", code="no!")
    assert answer.status_code == 422
    assert "A card code is 4 to 64 letters" in text(answer)


def test_adjust_needs_confirmation_then_shows_the_new_balance(
    app: Flask, client: FlaskClient, merchant: MerchantSetup, projector
) -> None:
    issue_card(client, merchant, 2500, code=CODE)
    user = sign_up(app, merchant, "manager", "max@bistro.test")
    path = find(user, CODE)
    form = {"amount": "-£2.50", "reason": "support_issue", "note": "till error",
            "nonce": "nonce-0001"}  # fmt: skip
    review = user.post(f"{path}/adjust", **form)
    assert review.status_code == 200
    assert "Please confirm" in text(review) and "£22.50" in text(review)
    assert (
        client.get(f"{merchant.path}/cards/{CODE}", headers=merchant.admin).json[
            "balance"
        ]
        == 2500
    )  # nothing changed before the confirmation
    done = user.post(f"{path}/adjust", **form, confirm="yes")
    assert done.status_code == 302
    again = user.post(f"{path}/adjust", **form, confirm="yes")  # a double click
    assert again.status_code == 302
    page = text(user.get(path))
    assert re.search(r'id="card-balance">£22.50<', page)
    assert (
        "Adjusted" in page and "till error" in page and "user:max@bistro.test" in page
    )
    api = client.get(f"{merchant.path}/cards/{CODE}", headers=merchant.admin).json
    assert api["balance"] == 2250  # one adjustment, not two


def test_adjust_errors_are_shown_by_their_fields_and_change_nothing(
    app: Flask, client: FlaskClient, merchant: MerchantSetup, projector
) -> None:
    issue_card(client, merchant, 1000, code=CODE)
    user = sign_up(app, merchant, "owner", "olive@bistro.test")
    path = find(user, CODE)
    cases = [
        ({"amount": "12.345", "reason": "complimentary"}, "amount", "at most 2"),
        ({"amount": "abc", "reason": "complimentary"}, "amount", "like £12.50"),
        ({"amount": "5", "reason": "other", "note": " "}, "note", "a note is required"),
        ({"amount": "5", "reason": "bribe"}, "reason", "Choose a reason"),
        ({"amount": "5.5e3", "reason": "complimentary"}, "amount", "like £12.50"),
    ]
    for form, field, words in cases:
        answer = user.post(f"{path}/adjust", nonce="nonce-000x", **form)
        assert answer.status_code == 422, (form, answer.status_code)
        page = text(answer)
        assert f'id="{field}-error"' in page and words in page, (form, page[-3000:])
    short = user.post(
        f"{path}/adjust", amount="-20.00", reason="complimentary", note="",
        nonce="nonce-000y", confirm="yes",
    )  # fmt: skip
    assert short.status_code == 422
    assert "does not hold enough money" in text(short)
    api = client.get(f"{merchant.path}/cards/{CODE}", headers=merchant.admin).json
    assert api["balance"] == 1000


def test_block_unblock_void_each_confirmed_with_a_reason(
    app: Flask, client: FlaskClient, merchant: MerchantSetup, projector
) -> None:
    issue_card(client, merchant, 1000, code=CODE)
    user = sign_up(app, merchant, "owner", "olive@bistro.test")
    path = find(user, CODE)
    missing = user.post(f"{path}/block", reason="  ")
    assert missing.status_code == 422 and "Say why." in text(missing)
    for action, state in (
        ("block", "blocked"),
        ("unblock", "active"),
        ("void", "voided"),
    ):
        review = user.post(
            f"{path}/{action}", reason=f"{action} reason", nonce=f"nonce-{action}"
        )
        assert "Please confirm" in text(review)
        done = user.post(
            f"{path}/{action}",
            reason=f"{action} reason",
            nonce=f"nonce-{action}",
            confirm="yes",
        )
        assert done.status_code == 302, text(done)[:300]
        page = text(user.get(path))
        assert f'state-{state}"' in page and f"{action} reason" in page
    refused = user.post(
        f"{path}/block", reason="again", nonce="nonce-000z", confirm="yes"
    )
    assert refused.status_code == 409
    assert "not active" in text(refused)


def test_support_sees_no_money_buttons_and_is_refused_server_side(
    app: Flask, client: FlaskClient, merchant: MerchantSetup, projector
) -> None:
    issue_card(client, merchant, 1000, code=CODE)
    user = sign_up(app, merchant, "support", "sam@bistro.test")
    path = find(user, CODE)
    page = text(user.get(path))
    assert "Review adjustment" not in page and "Review void" not in page
    for action, form in (
        ("adjust", {"amount": "5", "reason": "complimentary", "confirm": "yes"}),
        ("block", {"reason": "x", "confirm": "yes"}),
        ("void", {"reason": "x", "confirm": "yes"}),
    ):
        assert user.post(f"{path}/{action}", **form).status_code == 403
    assert user.get("/dashboard/cards/new").status_code == 403
    assert user.post("/dashboard/cards/new", amount="5").status_code == 403
    api = client.get(f"{merchant.path}/cards/{CODE}", headers=merchant.admin).json
    assert (api["balance"], api["state"]) == (1000, "active")


def test_issue_a_card_shows_a_generated_code_once(
    app: Flask, client: FlaskClient, merchant: MerchantSetup, projector
) -> None:
    user = sign_up(app, merchant, "manager", "max@bistro.test")
    answer = user.post("/dashboard/cards/new", amount="30", site_id=merchant.site_id)
    assert answer.status_code == 200
    code = re.search(r'id="issued-code">(\d{16})<', text(answer)).group(1)
    api = client.get(f"{merchant.path}/cards/{code}", headers=merchant.admin).json
    assert api["balance"] == 3000
    bad = user.post("/dashboard/cards/new", amount="0", expires_on="2020-01-01")
    assert bad.status_code == 422
    assert 'id="amount-error"' in text(bad)


def test_another_merchants_card_is_not_found(
    app: Flask, client: FlaskClient, merchant: MerchantSetup, projector
) -> None:
    other = set_up_merchant(client, "Other", "GBP", "40570261078099")
    issue_card(client, other, 1000, code=CODE)
    user = sign_up(app, merchant, "owner", "olive@bistro.test")
    assert user.post("/dashboard/cards", code=CODE).status_code == 404
    theirs = card_id(UUID(other.merchant_id), CODE)
    assert user.get(f"/dashboard/cards/{theirs}").status_code == 404


def test_guessing_codes_is_throttled_like_the_api(config: Config) -> None:
    app = create_app(replace(config, not_found_limit=3))
    try:
        client = app.test_client()
        merchant = set_up_merchant(client, "Bistro", "GBP", "40570261078018")
        issue_card(client, merchant, 1000, code=CODE)
        user = sign_up(app, merchant, "owner", "olive@bistro.test")
        for n in range(3):
            assert (
                user.post("/dashboard/cards", code=f"GUESS{n:04d}").status_code == 404
            )
        refused = user.post("/dashboard/cards", code=CODE)  # even a real card now
        assert refused.status_code == 429
        assert "Too many attempts" in text(refused)
    finally:
        app.extensions["giftledger.ledger"].close()
