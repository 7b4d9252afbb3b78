"""Building answers from ledger outcomes: origins, replays and credential answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Response

from domain.credentials import Credential
from domain.origin import Origin
from domain.views import Outcome
from service.http.auth import Principal, ledger
from service.http.requests import idempotency_key

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


def last_event(outcome: Outcome) -> Any:
    """The stored event that brought the outcome's card to its version."""
    card = outcome.card
    store = ledger().repository.event_store
    return next(iter(store.get(card.id, gt=card.version - 1, lte=card.version)), None)


def first_origin(outcome: Outcome) -> dict[str, Any]:
    """The origin recorded by the request that produced the outcome's card version."""
    return dict(getattr(last_event(outcome), "origin", None) or {})


def adjustment_item(outcome: Outcome, when: datetime) -> dict[str, Any]:
    """The activity item of an adjustment, as the read API lists it, from its event."""
    card, event = outcome.card, last_event(outcome)
    origin = event.origin or {}
    sign = 1 if event.direction == "credit" else -1
    return {
        "version": card.version,
        "type": "adjusted",
        "amount": event.amount,
        "balance_change": sign * event.amount,
        "balance_after": card.balance,
        "held_after": card.held(when),
        "available_after": card.available(when),
        "currency": card.currency,
        "state_after": card.state(when),
        "masked_code": card.masked_code,
        "source": origin.get("source"),
        "actor": origin.get("actor"),
        "site_id": origin.get("site_id"),
        "reference": event.adjustment_id,
        "reason": event.reason,
        "note": event.note,
        "idempotency_key": origin.get("idempotency_key"),
        "occurred_at": origin.get("occurred_at"),
        "recorded_at": event.timestamp,
    }


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
