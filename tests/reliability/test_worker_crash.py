"""A gunicorn worker is SIGKILLed under load: nothing acknowledged is lost, and a
request whose answer was lost, sent again with its key, is never applied twice."""

from __future__ import annotations

import os
import signal
import socket
import time
import uuid
from urllib.parse import urlsplit

from tests.bench.harness import children
from tests.bench.seed import LOCATION
from tests.reliability.api import Api
from tests.reliability.book import Book
from tests.reliability.checks import balances, in_store, summary, verdict
from tests.reliability.workload import Workload


def kill_a_worker(stack, killed: list[int]) -> None:
    """SIGKILL one of the master's workers (gunicorn starts a new one)."""
    workers = children(stack.app.pid)
    if workers:
        os.kill(workers[0], signal.SIGKILL)
        killed.append(workers[0])


def wait_for_workers(stack, count: int = 2, timeout: float = 30) -> None:
    """Wait until gunicorn has replaced the killed workers."""
    deadline = time.monotonic() + timeout
    while len(children(stack.app.pid)) < count and time.monotonic() < deadline:
        time.sleep(0.2)


def lost_answer(stack, code: str) -> list[str]:
    """Send a redemption and hang up before the answer; retry it with the key."""
    key = f"lost-{uuid.uuid4().hex}"
    body = (
        f'{{"card_code": "{code}", "amount": 700, "currency": "GBP", '
        f'"business_location_id": "{LOCATION}"}}'
    ).encode()
    url = urlsplit(stack.base_url)
    head = (
        f"POST /v1/pos/redemptions HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: Bearer {stack.merchant.pos_token}\r\n"
        f"Idempotency-Key: {key}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(head + body)  # and never read the answer
    time.sleep(1.0)
    api, problems = Api(stack.base_url, stack.merchant), []
    before = api.card(code).body["balance"]
    payload = {"card_code": code, "amount": 700, "currency": "GBP",
               "business_location_id": LOCATION}  # fmt: skip
    retry = api.send("POST", "/v1/pos/redemptions", payload, key=key)
    after = api.card(code).body["balance"]
    if retry.status != 201 or retry.headers.get("Idempotency-Replayed") != "true":
        problems.append(f"retry of a lost answer: {retry.status} {retry.headers}")
    if after != before:
        problems.append(f"retry of a lost answer debited again: {before} -> {after}")
    return problems


def test_worker_crash(stack) -> None:
    book, killed = Book(stack.cards(10, 20_000)), []
    timeline = [(t, lambda: kill_a_worker(stack, killed)) for t in (4.0, 10.0)]
    Workload(stack.base_url, stack.merchant, book, clients=16, seconds=16).run(timeline)
    wait_for_workers(stack)
    spare = next(iter(stack.cards(1, 5_000)))
    problems = book.violations + balances(stack, book) + in_store(stack, book)
    problems += lost_answer(stack, spare)
    if len(killed) != 2:
        problems.append(f"killed {len(killed)} workers, meant 2")
    verdict(
        "worker crash", problems,
        f"2 workers SIGKILLed under 16 clients: {summary(book)}; every acknowledged "
        "key in the store; a lost answer retried with its key replayed, one debit",
    )  # fmt: skip
    assert not problems, problems[:10]
