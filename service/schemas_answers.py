"""Building answers from ledger outcomes: origins, replays and credential answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Response

from domain.credentials import Credential
from domain.origin import Origin
from domain.views import Outcome
from service.auth import Principal, ledger
from service.http import idempotency_key

REPLAYED_HEADER = "Idempotency-Replayed"


def origin(source: str, principal: Principal, **extra: Any) -> Origin:
    """Who and when, for the events; the Idempotency-Key header if sent."""
    return Origin(
        source=source,
        actor=principal.credential_id,
        idempotency_key=idempotency_key(),
        occurred_at=ledger().clock().isoformat(),
        **extra,
    )


def first_origin(outcome: Outcome) -> dict[str, Any]:
    """The origin recorded by the request that produced the outcome's card version."""
    card = outcome.card
    store = ledger().repository.event_store
    for event in store.get(card.id, gt=card.version - 1, lte=card.version):
        return dict(getattr(event, "origin", None) or {})
    return {}


def answer_time(outcome: Outcome) -> datetime:
    """When the answer is seen from: a replay shows the card as it was then.

    A replayed outcome carries the card at the version the first request produced;
    the time that request ran is the `occurred_at` of its origin on that event, so
    the replay's body (held, state, hold status) is the first body, byte for byte.
    """
    if not outcome.replayed:
        return outcome.now
    occurred = first_origin(outcome).get("occurred_at")
    return datetime.fromisoformat(occurred) if occurred else outcome.now


def mark_replay(response: Response, outcome: Outcome) -> Response:
    """Tell the client an answer is a replay of the first one."""
    if outcome.replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response


def credential_answer(
    credential: Credential,
    username: str,
    secret: str,
    rotated_from: UUID | None = None,
) -> dict[str, Any]:
    """The one answer showing a secret: Basic user + password, or a bearer token."""
    data: dict[str, Any] = {"credential_id": credential.id, "kind": credential.kind}
    if credential.kind == "webhook":
        data |= {"username": username, "secret": secret}
    else:
        data["secret"] = f"{username}.{secret}"
    if rotated_from is not None:
        data["rotated_from"] = rotated_from
    return data


def credential_items(credentials: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A merchant's credentials list, oldest first, never a secret."""
    items = [
        {
            "credential_id": UUID(cred_id),
            "kind": cred["kind"],
            "username": cred["username"],
            "created_at": cred["created_at"],
            "revoked": cred["revoked"],
        }
        for cred_id, cred in credentials.items()
    ]
    return {"items": items}
