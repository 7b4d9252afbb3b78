"""Dashboard receipt exceptions through the real app: the queue, lines, resolving."""

from __future__ import annotations

import json

from flask import Flask

from tests.e2e.dashboard_pages import projector, sign_up, text
from tests.lightspeed_support import Webhook, payment, receipt, sale, set_up_webhook

__all__ = ["projector"]


def test_queue_shows_lines_and_raw_payload_and_support_resolves_with_a_note(
    app: Flask, projector
) -> None:
    hook: Webhook = set_up_webhook(app)
    body = receipt(
        24, lines=[sale(7, "4.00", sku="19")],
        payments=[payment(1, "4.00", reference="MISSING1")],
    )  # fmt: skip
    hook.close(body)
    user = sign_up(app, hook, "support", "sam@bistro.test")
    page = text(user.get("/dashboard/exceptions"))
    assert "Open (1)" in page and "Resolved (0)" in page
    assert "burger" in page and "GIFTCARD" in page  # the receipt's lines
    assert json.dumps(body["account"]["id"]) in page  # the raw payload, as stored
    [entry] = hook.ledger.receipt_exceptions(hook.merchant_id, "open")
    path = f"/dashboard/exceptions/{entry['exception_id']}/resolve"
    empty = user.post(path, note="   ")
    assert empty.status_code == 422 and "Say what was done" in text(empty)
    assert hook.ledger.receipt_exceptions(hook.merchant_id, "open") != []
    done = user.post(path, note="guest paid cash instead")
    assert done.status_code == 302
    page = text(user.get("/dashboard/exceptions", status="resolved"))
    assert "guest paid cash instead" in page and "user:sam@bistro.test" in page
    assert "Open (0)" in page and "Resolved (1)" in page
    assert "No open exceptions." in text(user.get("/dashboard/exceptions"))


def test_the_receipt_page_and_the_card_timeline_link_to_each_other(
    app: Flask, projector
) -> None:
    hook: Webhook = set_up_webhook(app)
    hook.issue("GIFT00000001", 1000)
    hook.close(receipt(31, payments=[payment(1, "2.50", reference="GIFT00000001")]))
    user = sign_up(app, hook, "owner", "olive@bistro.test")
    card_page = user.client.post(
        "/dashboard/cards", data={"csrf_token": user.token, "code": "GIFT00000001"}
    ).headers["Location"]
    page = text(user.get(card_page))
    start = page.index('href="/dashboard/receipts/')
    link = page[start + 6 : page.index('"', start + 6)]
    shown = text(user.get(link))
    assert "GIFTCARD" in shown and "applied" in shown and "****0001" in shown
    assert "GIFT00000001" in shown  # the raw payload as received, reference and all
    assert user.get("/dashboard/receipts/not-a-uuid").status_code == 404


def test_another_merchants_exception_cannot_be_resolved(app: Flask, projector) -> None:
    theirs = set_up_webhook(app, "Other", location="40570261078099")
    theirs.close(receipt(5, payments=[payment(1, "4.00", reference="MISSING1")],
                         location="40570261078099"))  # fmt: skip
    [entry] = theirs.ledger.receipt_exceptions(theirs.merchant_id, "open")
    mine = set_up_webhook(app)
    user = sign_up(app, mine, "owner", "olive@bistro.test")
    assert "MISSING" not in text(user.get("/dashboard/exceptions"))
    refused = user.post(
        f"/dashboard/exceptions/{entry['exception_id']}/resolve", note="x"
    )
    assert refused.status_code == 404
    assert theirs.ledger.receipt_exceptions(theirs.merchant_id, "open") != []
    receipt_id = entry["receipt_id"]
    assert user.get(f"/dashboard/receipts/{receipt_id}").status_code == 404
