"""Health, readiness and metrics."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from service.auth import ledger
from service.problems import problem

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    """The event store answers."""
    try:
        position = ledger().recorder.max_notification_id() or 0
    except Exception:
        return problem("service_unavailable", "the ledger store is unreachable")
    return jsonify(status="ready", position=position)
