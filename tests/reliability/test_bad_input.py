"""Hostile input on every endpoint: no 5xx, every error problem+json, nothing written.

schemathesis generates requests from /openapi.json (valid-shaped and invalid ones)
for every operation; then a hand-written list: malformed JSON, wrong content types,
a body over the limit, non-UTF-8 bytes, absurd numbers and hostile card codes.
A request that is refused must leave the event log exactly as it was.
"""

from __future__ import annotations

import json
import os
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from domain.origin import Origin
from tests.reliability.api import Answer, Api, Lost
from tests.reliability.checks import verdict
from tests.reliability.conftest import PLATFORM_TOKEN
from tests.reliability.hostile import generated_requests, hostile_requests

EXAMPLES = int(os.environ.get("BAD_INPUT_EXAMPLES", "15"))


class Judge:
    """Checks each answer and that a refusal wrote nothing."""

    def __init__(self, stack: Any) -> None:
        self.ledger = stack.ledger()
        self.problems: list[str] = []
        self.sent = 0
        self.unsatisfiable = 0
        self.statuses: dict[int, int] = {}

    def head(self) -> int:
        return self.ledger.recorder.max_notification_id() or 0

    def judge(self, what: str, answer: Answer, before: int) -> None:
        self.sent += 1
        self.statuses[answer.status] = self.statuses.get(answer.status, 0) + 1
        if answer.status >= 500:
            self.problems.append(f"{what}: {answer.status} {answer.body!r:.200}")
        if answer.status >= 400:
            fault = answer.problem_fault()
            if fault:
                self.problems.append(f"{what}: {fault}")
            if self.head() != before:
                self.problems.append(f"{what}: refused with {answer.status} but wrote")


def auth_for(path: str, merchant: Any) -> dict[str, str]:
    """Valid credentials of the right kind, so validation is what gets tested."""
    if path.startswith("/v1/pos"):
        return {"Authorization": f"Bearer {merchant.pos_token}"}
    if path.startswith("/v1/webhooks"):
        return {"Authorization": f"Basic {merchant.webhook_basic}"}
    return {"Authorization": f"Bearer {PLATFORM_TOKEN}"}


def fuzz_operation(judge: Judge, op: Any, base: str, merchant: Any) -> None:
    """Both generation modes, the merchant id pinned to a real one when asked."""
    fixed = {"merchant_id": str(merchant.merchant_id)}
    names = {p.name for p in op.path_parameters}
    session = requests.Session()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        params = {k: v for k, v in fixed.items() if k in names}
        if mode is GenerationMode.NEGATIVE:
            params = {}
        strategy = op.as_strategy(generation_mode=mode, path_parameters=params or None)

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=strategy)
        def send(case: Any) -> None:
            before = judge.head()
            headers = {**(case.headers or {}), **auth_for(op.path, merchant)}
            try:
                response = case.call(base_url=base, session=session,
                                     headers=headers, timeout=15)  # fmt: skip
            except requests.RequestException as error:
                judge.problems.append(f"{op.method} {op.path}: no answer {error}")
                return
            try:
                body = json.loads(response.content)
            except ValueError:
                body = response.content[:200]
            # schemathesis's Response: lower-case header names, lists of values.
            headers = {k.title(): v[-1] for k, v in response.headers.items()}
            answer = Answer(response.status_code, body, headers, 0)
            judge.judge(f"{op.method.upper()} {case.formatted_path}", answer, before)

        try:
            send()
        except Unsatisfiable:  # nothing to vary (no parameters, no body) in this mode
            judge.unsatisfiable += 1


def stack_card(stack: Any, merchant: Any) -> str:
    """A card of the fuzzed merchant, so requests reach the card's own checks."""
    ledger = stack.ledger()
    try:
        origin = Origin(source="admin", actor="reliability")
        ledger.issue_card(
            merchant.merchant_id, "HOSTILE0001", 10**8, "GBP", None, origin
        )
    finally:
        ledger.close()
    return "HOSTILE0001"


def test_bad_input(stack) -> None:
    merchant = stack.new_merchant("Fuzzed bistro")
    judge = Judge(stack)
    generated: list[Any] = []
    written: list[Any] = []
    try:
        schema = schemathesis.openapi.from_url(stack.base_url + "/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        for op in operations:
            fuzz_operation(judge, op, stack.base_url, merchant)
        fuzzed = judge.sent
        api = Api(stack.base_url, merchant)
        doc = requests.get(stack.base_url + "/openapi.json", timeout=15).json()
        code = stack_card(stack, merchant)
        generated += generated_requests(doc, merchant, PLATFORM_TOKEN, code)
        written += hostile_requests(merchant)
        for what, method, path, kwargs in [*generated, *written]:
            before = judge.head()
            api.session.close()  # a refused 2 MiB body may leave the socket unusable
            try:
                answer = api.send(method, path, **kwargs)
            except Lost as lost:
                judge.problems.append(f"{what}: no answer ({lost})")
                continue
            judge.judge(what, answer, before)
    finally:
        judge.ledger.close()
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(judge.statuses.items()))
    verdict(
        "bad input", judge.problems,
        f"{len(operations)} operations x {EXAMPLES} schemathesis examples x 2 modes "
        f"({fuzzed} requests) + {len(generated)} generated (every class in every "
        f"field) and {len(written)} hand-written hostile "
        "requests; "
        f"statuses {statuses}",
    )  # fmt: skip
    assert not judge.problems, judge.problems[:10]
