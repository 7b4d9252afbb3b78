"""Random holds, captures, releases, redemptions, refunds, adjustments and RTN
receipts from many client threads; every uncertain request is retried with its
key until the service gives a definite answer."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from tests.bench.seed import LOCATION, Merchant
from tests.reliability.accounting import account, same_answer
from tests.reliability.api import Answer, Api, Lost
from tests.reliability.book import Book, Request
from tests.reliability.receipts import payment_receipt

MIX = (("redeem", 25), ("hold", 20), ("capture", 12), ("release", 8),
       ("refund", 10), ("adjust", 10), ("rtn", 15))  # fmt: skip
SETTLE_SECONDS = 60


class Workload:
    """`clients` threads for `seconds` on `cards`, plus faults on a timeline."""

    def __init__(
        self, base_url: str, merchant: Merchant, book: Book, *, clients: int,
        seconds: float, resend: float = 0.10, allow_503: Callable[[], bool] = bool,
        kinds: Sequence[str] = tuple(k for k, _ in MIX),
    ) -> None:  # fmt: skip
        self.base, self.merchant, self.book = base_url, merchant, book
        self.clients, self.seconds, self.resend = clients, seconds, resend
        self.allow_503 = allow_503
        mix = [(k, w) for k, w in MIX if k in kinds]
        self.kinds, self.weights = [k for k, _ in mix], [w for _, w in mix]
        self.cards = sorted(book.initial)
        self.deadline = 0.0

    def run(self, timeline: Sequence[tuple[float, Callable[[], Any]]] = ()) -> Book:
        """Run the clients (and the timeline's faults), then wait for all of them."""
        self.deadline = time.monotonic() + self.seconds
        threads = [
            threading.Thread(target=self._client, args=(n,), daemon=True)
            for n in range(self.clients)
        ] + [threading.Thread(target=self._reader, args=(n,), daemon=True)
             for n in range(2)]  # fmt: skip
        for thread in threads:
            thread.start()
        started = time.monotonic()
        for at, action in sorted(timeline, key=lambda item: item[0]):
            time.sleep(max(0.0, started + at - time.monotonic()))
            action()
        for thread in threads:
            thread.join(self.seconds + SETTLE_SECONDS + 30)
            if thread.is_alive():
                self.book.violate("a client thread never finished")
        return self.book

    # -- one client ------------------------------------------------------------

    def _client(self, n: int) -> None:
        # Seeded afresh each run: account ids must not repeat across scenarios.
        rng, api = random.Random(uuid.uuid4().int + n), Api(self.base, self.merchant)
        while time.monotonic() < self.deadline:
            req = self._plan(rng, rng.choices(self.kinds, self.weights)[0])
            if req is None:
                continue
            if rng.random() < 0.03:  # the same request twice at the same moment
                answer = self._twice(req, n)
            else:
                answer = self._settle(api, req)
            if answer is None:
                continue
            self._account(req, answer)
            if answer.ok and rng.random() < self.resend:
                again = self._settle(api, req)
                self.book.count("resent")
                if again is not None:
                    self._same(req, answer, again, "resend")

    def _reader(self, n: int) -> None:
        rng, api = random.Random(1000 + n), Api(self.base, self.merchant)
        while time.monotonic() < self.deadline:
            try:
                answer = api.card(rng.choice(self.cards))
            except Lost:
                continue
            self._check(answer, "GET card")
            time.sleep(0.02)

    def _plan(self, rng: random.Random, kind: str) -> Request | None:
        card, key = rng.choice(self.cards), f"rel-{uuid.uuid4().hex}"
        amount = rng.randint(1, 900)
        common = {"currency": "GBP", "business_location_id": LOCATION}
        if kind == "redeem":
            body = {"card_code": card, "amount": amount, **common}
            return Request(kind, card, "POST", "/v1/pos/redemptions", body, key=key,
                           amount=amount)  # fmt: skip
        if kind == "hold":
            account = str(rng.randrange(10**11, 10**12))
            body = {"card_code": card, "amount": amount, "account_id": account,
                    **common}  # fmt: skip
            return Request(kind, card, "POST", "/v1/pos/holds", body, key=key,
                           amount=amount, account=account)  # fmt: skip
        if kind in ("capture", "release"):
            hold = self.book.take_hold(rng)
            if hold is None:
                return None
            body = {"amount": rng.randint(1, hold[2])} if rng.random() < 0.5 else {}
            path = f"/v1/pos/holds/{hold[0]}/{kind}"
            body = body if kind == "capture" else {}
            return Request(kind, hold[1], "POST", path, body, key=key, hold=hold)
        if kind == "refund":
            taken = self.book.take_refund(rng)
            if taken is None:
                return None
            entry, amount = taken
            path = f"/v1/pos/redemptions/{entry[0]}/refunds"
            return Request(kind, entry[1], "POST", path, {"amount": amount}, key=key,
                           amount=amount, refund_of=entry)  # fmt: skip
        if kind == "adjust":
            amount = rng.choice([-1, 1, 1]) * amount
            path = f"/v1/merchants/{self.merchant.merchant_id}/cards/{card}/adjustments"
            body = {"amount": amount, "reason": "support_issue", "note": "bank test"}
            return Request(kind, card, "POST", path, body, auth="admin", key=key,
                           amount=amount)  # fmt: skip
        hold = self.book.take_hold(rng) if rng.random() < 0.4 else None
        account = hold[3] if hold else str(rng.randrange(10**11, 10**12))
        card, amount = (hold[1], hold[2]) if hold else (card, amount)
        body = payment_receipt(account, card, amount)
        path = "/v1/webhooks/lightspeed/rtn"
        return Request("rtn", card, "POST", path, body, auth="webhook",
                       amount=amount, account=account, hold=hold)  # fmt: skip

    def _settle(self, api: Api, req: Request) -> Answer | None:
        """Send until a definite answer; a lost one is retried with the same key."""
        lost = False
        give_up = time.monotonic() + self.seconds + SETTLE_SECONDS
        while time.monotonic() < give_up:
            try:
                answer = api.send(req.method, req.path, req.body, auth=req.auth,
                                  key=req.key)  # fmt: skip
            except Lost:
                lost = True
                self.book.count("lost answers")
                time.sleep(0.2)
                continue
            with self.book.lock:
                self.book.latencies.append(answer.seconds)
                self.book.stats[f"status {answer.status}"] += 1
            self._check(answer, req.kind)
            if answer.status >= 500:
                time.sleep(min(1.0, float(answer.headers.get("Retry-After", 1))))
                lost = True
                continue
            if lost:
                self.book.count("lost answers settled by a retry")
            return answer
        self.book.violate(f"{req.kind} {req.key}: no definite answer in time")
        return None

    def _twice(self, req: Request, n: int) -> Answer | None:
        answers: list[Answer | None] = [None, None]

        def send(i: int) -> None:
            answers[i] = self._settle(Api(self.base, self.merchant), req)

        pair = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()
        self.book.count("concurrent duplicates")
        first, second = answers
        if first and second and first.ok and second.ok:
            self._same(req, first, second, "concurrent duplicate")
        return first if first and first.ok else second

    def _check(self, answer: Answer, what: str) -> None:
        if answer.status >= 500 and not (answer.status == 503 and self.allow_503()):
            self.book.violate(f"{what}: {answer.status} {answer.body!r:.200}")
        if not answer.ok:
            fault = answer.problem_fault()
            if fault:
                self.book.violate(f"{what}: {fault}")
            return
        body = answer.body if isinstance(answer.body, dict) else {}
        for card in (body.get("card"), body if "available" in body else None):
            if card and (card["balance"] < 0 or card["available"] < 0):
                self.book.violate(f"{what}: negative card {card}")

    def _account(self, req: Request, answer: Answer) -> None:
        account(self.book, req, answer)

    def _same(self, req: Request, first: Answer, again: Answer, how: str) -> None:
        same_answer(self.book, req, first, again, how)
