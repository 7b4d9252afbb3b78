"""Property: a card's activity, for a card that does not exist or belongs to another
merchant, is 404 card_not_found whatever the filters, paging, projection state or
caller (DESIGN section 5); a malformed query is 400 before any look-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import CardCodeTaken
from domain.origin import Origin
from projections.events import EventSource
from projections.runner import Projector
from service.app import create_app
from service.reads.schemas import TYPES, encode_cursor
from tests.e2e.support import PLATFORM, MerchantSetup, set_up_merchant
from tests.integration.projection_helpers import engine_for

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The cards a test issues to its own merchant start with "_"; targets never do.
codes = st.from_regex(r"[A-Za-z0-9-][A-Za-z0-9_-]{3,62}", fullmatch=True)
# Inside the accepted range (domain.time_bounds); outside is a malformed query.
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2199, 12, 31),
    timezones=st.just(UTC),
).map(lambda d: d.isoformat())  # fmt: skip
queries = st.fixed_dictionaries(
    {},
    optional={
        "type": st.lists(st.sampled_from(TYPES), min_size=1, max_size=3).map(",".join),
        "since": moments,
        "until": moments,
        "limit": st.integers(1, 500),
        "cursor": st.integers(0, 10**9).map(encode_cursor),
        "min_position": st.integers(0, 10**12),
    },
)


@pytest.fixture
def world(config) -> Iterator[dict[str, Any]]:
    app = create_app(replace(config, not_found_limit=1_000_000))
    client = app.test_client()
    engine = engine_for(config.database_url)
    ledger = app.extensions["giftledger.ledger"]
    yield {
        "client": client,
        "ledger": ledger,
        "mine": set_up_merchant(client, "Mine", "GBP", "40570261078018"),
        "theirs": set_up_merchant(client, "Theirs", "GBP", "40570261078019"),
        "projector": Projector(engine, EventSource(ledger)),
    }
    engine.dispose()
    ledger.close()


def issue(
    world: dict[str, Any], merchant: MerchantSetup, code: str, state: str
) -> None:
    origin = Origin(source="admin", actor="test")
    mid = UUID(merchant.merchant_id)
    try:
        world["ledger"].issue_card(mid, code, 1000, "GBP", None, origin)
    except CardCodeTaken:
        return
    world["ledger"].redeem(mid, code, 10, "GBP", merchant.location_id, None, origin)
    if state != "active":
        action = {"blocked": "block", "voided": "void"}[state]
        world["ledger"].change_state(mid, code, action, "test", origin)


@SETTINGS
@given(
    code=codes,
    query=queries,
    theirs=st.booleans(),
    their_state=st.sampled_from(["active", "blocked", "voided"]),
    mine=st.lists(codes, max_size=2),
    projected=st.booleans(),
    caller=st.sampled_from(["platform", "own admin"]),
)
def test_activity_of_a_missing_or_foreign_card_is_card_not_found(
    world, code, query, theirs, their_state, mine, projected, caller
):
    for other in mine:
        issue(world, world["mine"], "_" + other, "active")
    if theirs:
        issue(world, world["theirs"], code, their_state)
    if projected:
        world["projector"].catch_up()
    headers = PLATFORM if caller == "platform" else world["mine"].admin
    answer = world["client"].get(
        f"{world['mine'].path}/cards/{code}/activity",
        query_string=query,
        headers=headers,
    )
    assert answer.status_code == 404, (answer.status_code, answer.json, query)
    assert answer.json["code"] == "card_not_found"
    assert code not in answer.get_data(as_text=True)


@SETTINGS
@given(
    code=codes,
    bad=st.sampled_from(
        [{"limit": "0"}, {"limit": "x"}, {"type": "spent"}, {"since": "soon"},
         {"until": "1/2/2026"}, {"cursor": "!!"}, {"min_position": "-3"},
         {"since": "9999-12-31T23:59:59-14:00"}, {"until": "1999-12-31T23:59:59Z"}]
    ),
    theirs=st.booleans(),
)  # fmt: skip
def test_a_malformed_query_is_invalid_before_any_look_up(world, code, bad, theirs):
    if theirs:
        issue(world, world["theirs"], code, "active")
    answer = world["client"].get(
        f"{world['mine'].path}/cards/{code}/activity",
        query_string=bad,
        headers=world["mine"].admin,
    )
    assert answer.status_code == 400, answer.json
    assert answer.json["code"] == "invalid_request"
    assert set(answer.json["errors"]) == set(bad)
