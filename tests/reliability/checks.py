"""The end-of-scenario invariants, and the one-line verdicts."""

from __future__ import annotations

import sys
import time
from typing import Any

from domain.receipts import Receipt, receipt_key
from projections.engines import make_engine
from projections.events import EventSource
from projections.schema import read_models
from projections.status import projected_position
from projections.verify import verify
from tests.bench.seed import LOCATION
from tests.reliability.api import Api, Lost
from tests.reliability.book import Book

VERDICTS: list[str] = []


def verdict(name: str, problems: list[str], figures: str) -> None:
    """Print (and keep for the summary) a scenario's one-line verdict."""
    line = f"{'PASS' if not problems else 'FAIL'} {name}: {figures}"
    if problems:
        line += f"; {len(problems)} violation(s), first: {problems[0]}"
    VERDICTS.append(line)
    print(line, file=sys.__stderr__, flush=True)
    for problem in problems[1:5]:
        print(f"    also: {problem}", file=sys.__stderr__, flush=True)


def balances(stack: Any, book: Book) -> list[str]:
    """Every card's balance equals its initial one plus the acknowledged deltas."""
    api, problems = Api(stack.base_url, stack.merchant), []
    for card in sorted(book.initial):
        for _ in range(50):
            try:
                answer = api.card(card)
                break
            except Lost:
                time.sleep(0.2)
        else:
            return [f"{card}: no answer to GET"]
        balance = answer.body["balance"] if answer.ok else None
        if balance != book.expected(card):
            problems.append(
                f"{card}: balance {balance} != {book.expected(card)} from the log; "
                f"log {_log_kinds(book, card)}; events {_event_kinds(stack, card)}"
            )
        if answer.ok and min(answer.body["balance"], answer.body["available"]) < 0:
            problems.append(f"{card}: negative {answer.body}")
    return problems


def in_store(stack: Any, book: Book) -> list[str]:
    """Every acknowledged key is in its card's events; every receipt is stored."""
    ledger, problems = stack.ledger(), []
    try:
        mid = stack.merchant.merchant_id
        for card, keys in book.acked_keys.items():
            missing = keys - set(ledger.card(mid, card).applied)
            if missing:
                problems.append(f"{card}: {len(missing)} acknowledged keys missing")
        for account in book.acked_receipts:
            stored = ledger.get_aggregate(receipt_key(mid, LOCATION, account))
            if not isinstance(stored, Receipt):
                problems.append(f"receipt of account {account} not stored")
    finally:
        ledger.close()
    return problems


def projections_converge(stack: Any, timeout: float = 90) -> tuple[list[str], str]:
    """The projector catches up with the log and its tables equal the events."""
    ledger = stack.ledger()
    engine = make_engine(stack.database_url)
    try:
        source = EventSource(ledger)
        head = source.head()
        deadline = time.monotonic() + timeout
        position = 0
        while time.monotonic() < deadline:
            position = projected_position(engine)
            if position >= head:
                break
            time.sleep(0.2)
        if position < head:
            return [f"projections stuck at {position} of {head}"], ""
        report = verify(engine, read_models(), source)
        figures = f"{report.events} card events verified"
        if not report.ok:
            return [f"projection mismatch: {report.differences[0]}"], figures
        return [], figures
    finally:
        ledger.close()
        engine.dispose()


def summary(book: Book) -> str:
    """The workload's figures for a verdict line."""
    p50, p99 = book.latency()
    s = book.stats
    sent = sum(v for k, v in s.items() if k.startswith("status "))
    fivexx = sum(v for k, v in s.items() if k.startswith("status 5"))
    return (
        f"{sent} requests, {s['acknowledged']} acknowledged, "
        f"{sum(v for k, v in s.items() if k.startswith('refused'))} refused, "
        f"{s['resent']} resent + {s['concurrent duplicates']} concurrent duplicates, "
        f"{s['lost answers']} lost answers, {s['lost answers settled by a retry']} "
        f"requests settled by a retry with their key, {fivexx} 5xx, "
        f"p50 {p50:.0f} ms, p99 {p99:.0f} ms"
    )


def _log_kinds(book: Book, card: str) -> dict[str, int]:
    return {kind: n for (c, kind), n in book.by_kind.items() if c == card}


def _event_kinds(stack: Any, card: str) -> dict[str, int]:
    """The card's money movements by event type, straight from the store."""
    ledger, sums = stack.ledger(), {}
    try:
        card_uuid = ledger.card(stack.merchant.merchant_id, card).id
        for event in ledger.events.get(card_uuid):
            name = type(event).__name__
            amount = getattr(event, "amount", 0) or 0
            if getattr(event, "direction", "") == "debit":
                amount = -amount
            sums[name] = sums.get(name, 0) + amount
    finally:
        ledger.close()
    return sums
