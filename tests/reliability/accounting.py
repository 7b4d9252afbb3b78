"""What each definite answer means for the card's balance, and replay checks."""

from __future__ import annotations

from typing import Any

from tests.reliability.api import Answer
from tests.reliability.book import Book, Request

REFUSALS = {  # definite "no" answers a correct service may give in this workload
    "redeem": {"insufficient_funds"}, "hold": {"insufficient_funds"},
    "capture": {"hold_already_resolved"}, "release": {"hold_already_resolved"},
    "refund": {"refund_exceeds_redemption"}, "adjust": {"insufficient_funds"},
    "rtn": set(),
}  # fmt: skip


def account(book: Book, req: Request, answer: Answer) -> None:
    """Book a definite answer: a 2xx moves the balance, a refusal moves nothing."""
    if not answer.ok:
        book.count(f"refused {answer.code}")
        if answer.code not in REFUSALS[req.kind]:
            book.violate(f"{req.kind}: unexpected {answer.status} {answer.body!r:.200}")
        if req.refund_of is not None:
            book.give_back(req.refund_of, req.amount)
        return
    body = answer.body
    delta = 0
    if req.kind == "redeem":
        delta = -req.amount
        with book.lock:
            book.refundable.append([body["redemption_id"], req.card, req.amount])
    elif req.kind == "hold":
        with book.lock:
            hold = (body["hold_id"], req.card, req.amount, req.account or "")
            book.open_holds.append(hold)
    elif req.kind == "capture":
        captured = body["hold"]["captured_amount"]
        delta = -captured
        with book.lock:
            book.refundable.append([body["hold"]["hold_id"], req.card, captured])
    elif req.kind in ("refund", "adjust"):
        delta = req.amount
    elif req.kind == "rtn":
        delta = -sum(o["amount"] for o in body["outcomes"] if _took(o))
        if any(o["masked_code"] != "****" + req.card[-4:] for o in body["outcomes"]):
            book.violate(f"rtn: outcome for another card in {body!r:.300}")
        if not any(o["kind"] == "payment" for o in body["outcomes"]):
            book.violate(f"rtn: no payment outcome in {body!r:.300}")
    book.acknowledge(req, delta)


def _took(outcome: dict[str, Any]) -> bool:
    applied = outcome["result"] == "applied" or outcome.get("first_result") == "applied"
    return outcome["kind"] == "payment" and applied


def ref(req: Request, answer: Answer) -> Any:
    """What identifies the effect of an answer (equal for a replay)."""
    body = answer.body
    if req.kind == "redeem":
        return body["redemption_id"], body["amount"]
    if req.kind == "hold":
        return body["hold_id"], body["amount"]
    if req.kind in ("capture", "release"):
        return body["hold"]["hold_id"], body["hold"]["captured_amount"]
    if req.kind == "refund":
        return body["refund"]["refund_id"], body["refund"]["amount"]
    if req.kind == "adjust":
        return body["activity"]
    return body["receipt_id"], [
        (o["line_id"], o["kind"], o.get("first_result", o["result"]), o["amount"])
        for o in body["outcomes"]
    ]


def same_answer(
    book: Book, req: Request, first: Answer, again: Answer, how: str
) -> None:
    """A request sent again with its key must get the first answer, not a new effect."""
    if not again.ok:
        book.violate(f"{how} of {req.kind}: {again.status} {again.body!r:.200}")
        return
    if ref(req, first) != ref(req, again):
        book.violate(
            f"{how} of {req.kind} applied twice: {ref(req, first)} != {ref(req, again)}"
        )
