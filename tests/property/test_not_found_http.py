"""Properties over every HTTP entry point that takes a card (DESIGN section 5).

A well-formed request for a card that does not exist, or that belongs to another
merchant, answers 404 card_not_found whatever its amount, currency, location or
the other cards: never a 5xx, never insufficient_funds. A malformed request
answers 400 before any look-up, and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import CardCodeTaken
from domain.giftcard import ADJUSTMENT_REASONS
from domain.money import CURRENCY_EXPONENTS, MAX_MINOR_UNITS
from domain.origin import Origin
from service.app import create_app
from tests.e2e.support import PLATFORM, MerchantSetup, set_up_merchant

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Target codes never start with "_"; the cards a test issues to its own merchant
# all do, so a target is missing by construction (no assume on shared state).
codes = st.from_regex(r"[A-Za-z0-9-][A-Za-z0-9_-]{3,62}", fullmatch=True)
amounts = st.integers(1, MAX_MINOR_UNITS)
currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
texts = st.text(
    st.characters(codec="ascii", categories=["L", "N", "P", "S"]),
    min_size=1,
    max_size=64,
)
# A Lightspeed id, as the POS sends it: a JSON number or a string of digits.
lightspeed_ids = st.one_of(
    st.from_regex(r"[0-9]{1,20}", fullmatch=True), st.integers(0, 10**20 - 1)
)
Request = tuple[str, str, dict[str, Any] | None]
ADMIN_ACTIONS = ("block", "unblock", "void")


@dataclass
class World:
    """The app, two merchants, and the codes each one has issued."""

    client: Any
    ledger: Any
    mine: MerchantSetup
    theirs: MerchantSetup
    issued: dict[str, set[str]] = field(default_factory=dict)

    def issue(
        self, merchant: MerchantSetup, code: str, amount: int, state: str
    ) -> None:
        """Issue a card straight through the ledger, then put it in `state`."""
        origin = Origin(source="admin", actor="test")
        mid = _uuid(merchant.merchant_id)
        try:
            self.ledger.issue_card(mid, code, amount, "GBP", None, origin)
        except CardCodeTaken:
            return
        self.issued.setdefault(merchant.merchant_id, set()).add(code)
        action = {"blocked": "block", "voided": "void"}.get(state)
        if action:
            self.ledger.change_state(mid, code, action, "test", origin)


def _uuid(text: str) -> Any:
    from uuid import UUID

    return UUID(text)


@pytest.fixture
def world(config) -> Iterator[World]:
    app = create_app(replace(config, not_found_limit=1_000_000))
    client = app.test_client()
    mine = set_up_merchant(client, "Mine", "GBP", "40570261078018")
    theirs = set_up_merchant(client, "Theirs", "GBP", "40570261078019")
    yield World(client, app.extensions["giftledger.ledger"], mine, theirs)
    app.extensions["giftledger.ledger"].close()


def entry_points(m: MerchantSetup) -> dict[str, Callable[..., Request]]:
    """Every entry point that takes a card, as (method, path, body) builders."""
    admin = f"{m.path}/cards"

    def money(code: str, amount: int, currency: str, location: str, account: str):
        return {
            "card_code": code, "amount": amount, "currency": currency,
            "business_location_id": location, "account_id": account,
        }  # fmt: skip

    def adjustment(amount: int, reason: str) -> dict[str, Any]:
        body: dict[str, Any] = {"amount": amount, "reason": reason}
        if reason == "other":
            body["note"] = "property"
        return body

    return {
        "pos_lookup": lambda c, **_: ("get", f"/v1/pos/cards/{c}", None),
        "pos_hold": lambda c, a, cur, loc, acc, **_: (
            "post", "/v1/pos/holds", money(c, a, cur, loc, acc),
        ),
        "pos_redeem": lambda c, a, cur, loc, acc, **_: (
            "post", "/v1/pos/redemptions", money(c, a, cur, loc, acc),
        ),
        "admin_get": lambda c, **_: ("get", f"{admin}/{c}", None),
        "admin_adjust": lambda c, a, sign, reason, **_: (
            "post", f"{admin}/{c}/adjustments", adjustment(a * sign, reason),
        ),
        **{
            f"admin_{action}": (
                lambda c, action=action, **_: (
                    "post", f"{admin}/{c}/{action}", {"reason": "property"},
                )
            )
            for action in ADMIN_ACTIONS
        },
    }  # fmt: skip


def send(world: World, point: str, request: Request, admin: dict[str, str]) -> Any:
    method, path, body = request
    headers = world.mine.pos if point.startswith("pos") else admin
    return getattr(world.client, method)(path, json=body, headers=headers)


POINTS = sorted(entry_points(MerchantSetup("m", "s", "l", "p", "a", "GBP")))


@SETTINGS
@given(
    data=st.data(),
    point=st.sampled_from(POINTS),
    code=codes,
    theirs=st.booleans(),
    their_state=st.sampled_from(["active", "blocked", "voided"]),
    their_balance=st.integers(1, 10_000),
    others=st.lists(st.tuples(codes, st.integers(1, 10_000)), max_size=2),
)
def test_a_missing_or_foreign_card_is_card_not_found(
    world, data, point, code, theirs, their_state, their_balance, others
):
    for other_code, amount in others:
        world.issue(world.mine, "_" + other_code, amount, "active")
    if theirs:
        world.issue(world.theirs, code, their_balance, their_state)
    params = {
        "a": data.draw(amounts, "amount"),
        "cur": data.draw(currencies, "currency"),
        "loc": data.draw(lightspeed_ids, "location"),
        "acc": data.draw(lightspeed_ids, "account"),
        "sign": data.draw(st.sampled_from([1, -1]), "sign"),
        "reason": data.draw(st.sampled_from(sorted(ADJUSTMENT_REASONS)), "reason"),
    }
    admin = data.draw(st.sampled_from([PLATFORM, world.mine.admin]), "admin")
    request = entry_points(world.mine)[point](code, **params)
    answer = send(world, point, request, admin)
    assert answer.status_code == 404, (answer.status_code, answer.json, request)
    assert answer.json["code"] == "card_not_found"
    # The code is in no field of the answer (the request id is random hex, which a
    # four-character code like "0000" may match by chance: it is not the code).
    shown = {k: v for k, v in answer.json.items() if k != "request_id"}
    assert code not in json.dumps(shown, ensure_ascii=False)
    assert code not in answer.headers.get("Location", "")


# Malformed variants of a request: each breaks exactly one rule of the schemas.
BAD_AMOUNTS = [0, -1, 1.5, 10.0, True, "100", None, 2**63, MAX_MINOR_UNITS + 1, [1]]
BAD_CURRENCIES = ["gbp", "XXX", "", 826, None, "GBPX"]
BAD_CODES = ["abc", "a" * 65, "ab.cd", "abc!", "ab~cd", "ab@cd$"]


def malformed(point: str, good: Request, draw: Callable[..., Any]) -> Request:
    method, path, body = good
    choices = ["code"]
    if body is not None:
        choices.append("extra_field")
        choices.extend(k for k in ("amount", "currency", "reason") if k in body)
    broken = draw(st.sampled_from(choices), "broken")
    if broken == "code":
        bad = draw(st.sampled_from(BAD_CODES), "bad_code")
        if body is not None and "card_code" in body:
            return method, path, {**body, "card_code": bad}
        code = path.split("/cards/")[1].split("/")[0]
        return method, path.replace(f"/cards/{code}", f"/cards/{bad}"), body
    assert body is not None
    if broken == "extra_field":
        return method, path, {**body, draw(texts, "field_name") + "_x": 1}
    if broken == "amount":
        bad_amounts = BAD_AMOUNTS
        if path.endswith("/adjustments"):  # signed: only zero and out of range
            bad_amounts = [a for a in BAD_AMOUNTS if a != -1] + [-MAX_MINOR_UNITS - 1]
        return method, path, {**body, "amount": draw(st.sampled_from(bad_amounts))}
    if broken == "currency":
        return method, path, {**body, "currency": draw(st.sampled_from(BAD_CURRENCIES))}
    bad_reasons = ["", "   ", 7, None]
    if path.endswith("/adjustments"):
        bad_reasons.append("nope")  # adjustments take a fixed list of reasons
    return method, path, {**body, "reason": draw(st.sampled_from(bad_reasons))}


@SETTINGS
@given(data=st.data(), point=st.sampled_from(POINTS), code=codes, exists=st.booleans())
def test_a_malformed_request_is_400_before_any_look_up(
    world, data, point, code, exists
):
    if exists:
        code = "_" + code
        world.issue(world.mine, code, 10_000, "active")
    good = entry_points(world.mine)[point](
        code, a=5, cur="GBP", loc=world.mine.location_id, acc="81", sign=1,
        reason="complimentary",
    )  # fmt: skip
    request = malformed(point, good, data.draw)
    before = world.ledger.repository.get(_card_id(world, code)).version if exists else 0
    answer = send(world, point, request, PLATFORM)
    assert answer.status_code == 400, (answer.status_code, answer.json, request)
    assert answer.json["code"] in {
        "invalid_request",
        "invalid_amount",
        "invalid_currency",
    }
    assert answer.json["errors"]
    if exists:
        assert world.ledger.repository.get(_card_id(world, code)).version == before


def _card_id(world: World, code: str) -> Any:
    from domain.card_codes import card_id

    return card_id(_uuid(world.mine.merchant_id), code)
