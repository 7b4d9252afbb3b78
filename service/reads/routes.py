"""Read API served from the projections: a card's activity, a merchant's liability.

Checks run in DESIGN section 5's order: authentication and merchant scope, the
not-found throttle, query validation, merchant and card existence. A read can ask
for a position (`min_position`, or the `X-Min-Position` header): it waits briefly
for the projector, and answers 503 if the read models do not get there in time.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, request

from domain.card_codes import card_id
from domain.errors import InvalidRequest, ServiceUnavailable
from projections import queries
from projections.status import projected_position, wait_for
from service.http import throttle
from service.http.auth import ledger, scoped
from service.http.openapi import documented
from service.http.schemas import answer, check_code
from service.reads.schemas import (
    ActivityPage,
    ActivityQuery,
    LiabilityAnswer,
    LiabilityQuery,
    activity_item,
    decode_cursor,
    encode_cursor,
    query_args,
)
from service.store.read_engine import read_engine

bp = Blueprint("reads", __name__, url_prefix="/v1/merchants/<merchant_id>")
throttle.install(bp)
WAIT_SECONDS = 2.0
# ASCII digits only: str.isdigit() also says yes to "²", which int() refuses.
POSITION = re.compile(r"[0-9]{1,18}")
ERRORS = (
    "invalid_request",
    "unauthorized",
    "forbidden",
    "merchant_not_found",
    "service_unavailable",
)


def _await_position(wanted: int | None) -> None:
    header = request.headers.get("X-Min-Position")
    if wanted is None and header is not None:
        if not POSITION.fullmatch(header):
            raise InvalidRequest(
                "X-Min-Position must be a position",
                {"X-Min-Position": ["not a number"]},
            )
        wanted = int(header)
    if wanted is None:
        return
    if wanted > (ledger().recorder.max_notification_id() or 0):
        # A position no event has yet can never be reached: the client's mistake.
        raise InvalidRequest(
            "the position is beyond the end of the event log",
            {"min_position": ["beyond the last recorded event"]},
        )
    timeout = current_app.config.get("GIFTLEDGER_READ_WAIT_SECONDS", WAIT_SECONDS)
    reached, at = wait_for(read_engine(), wanted, timeout)
    if not reached:
        raise ServiceUnavailable(
            f"the read models are at position {at}, not yet {wanted}; retry"
        )


def _with_position(response: Response) -> Response:
    response.headers["X-Projection-Position"] = str(projected_position(read_engine()))
    return response


@bp.get("/cards/<code>/activity")
@documented(
    query=ActivityQuery,
    responses={200: ActivityPage},
    errors=(*ERRORS, "card_not_found", "too_many_requests"),
    tags=["admin", "cards", "reads"],
)
def card_activity(merchant_id: str, code: str) -> Response:
    """A card's activity, oldest first: every event with the balance after it."""
    principal, mid = scoped(merchant_id)
    throttle.check(principal)
    code = check_code(code)
    args = query_args(ActivityQuery(), multi=("type",))
    after = decode_cursor(args.get("cursor"))
    ledger().merchant(mid)
    wanted = str(card_id(mid, code))
    with read_engine().connect() as conn:
        if queries.card_row(conn, str(mid), wanted) is None:
            # Not projected (yet?): the events decide whether the card exists.
            ledger().card(mid, code)
    _await_position(args.get("min_position"))
    with read_engine().connect() as conn:
        limit = args["limit"]
        rows = queries.activity_page(
            conn, wanted, types=args.get("type") or (), since=args.get("since"),
            until=args.get("until"), after=after, limit=limit + 1,
        )  # fmt: skip
    page: dict[str, Any] = {
        "items": [activity_item(row) for row in rows[:limit]],
        "next_cursor": encode_cursor(rows[limit - 1]["position"])
        if len(rows) > limit
        else None,
    }
    return _with_position(answer(ActivityPage, page))


@bp.get("/liability")
@documented(
    query=LiabilityQuery,
    responses={200: LiabilityAnswer},
    errors=ERRORS,
    tags=["admin", "reads"],
)
def liability(merchant_id: str) -> Response:
    """Outstanding card balances per currency and selling site, now or as of a time."""
    _, mid = scoped(merchant_id)
    args = query_args(LiabilityQuery())
    merchant = ledger().merchant(mid)
    site_id = args.get("site_id")
    if site_id is not None and site_id not in merchant.sites:
        raise InvalidRequest(
            "unknown site", {"site_id": ["not a site of the merchant"]}
        )
    _await_position(args.get("min_position"))
    with read_engine().connect() as conn:
        sites = queries.liability(
            conn, str(mid), as_of=args.get("as_of"), site_id=site_id
        )
    totals: dict[str, int] = {}
    for row in sites:
        totals[row["currency"]] = totals.get(row["currency"], 0) + row["outstanding"]
    body = {
        "merchant_id": mid,
        "as_of": args.get("as_of"),
        "totals": [
            {"currency": c, "outstanding": v} for c, v in sorted(totals.items())
        ],
        "sites": sites,
    }
    return _with_position(answer(LiabilityAnswer, body))
