"""Health, readiness and metrics."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Gauge,
    generate_latest,
)

from projections.chain.status import chain_lag
from projections.events import EventSource
from projections.failure import read_failure
from projections.status import projector_lag
from service.http.auth import ledger
from service.http.problems import problem
from service.store.read_engine import read_engine

log = logging.getLogger("giftledger.health")

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    """The event store answers; the body says how far behind the projector is."""
    try:
        position = ledger().recorder.max_notification_id() or 0
    except Exception:
        return problem("service_unavailable", "the ledger store is unreachable")
    projector: dict[str, Any] | None
    try:
        projector = {**projector_lag(read_engine(), EventSource(ledger())).as_dict()}
    except Exception:  # lag is informative; it never fails readiness
        log.warning("readyz: projector lag unavailable", exc_info=True)
        # The read models' database did not answer: asking it twice more (the
        # failure, the chain) would only make a probe wait out two more timeouts.
        return jsonify(status="ready", position=position, projector=None, chain=None)
    failure = projector_failure()
    # Writes never wait for the projector: a failed one leaves the node ready.
    projector["state"] = "failed" if failure else "following"
    projector["failure"] = failure
    return jsonify(
        status="ready", position=position, projector=projector, chain=_chain_lag()
    )


def _chain_lag() -> dict[str, float | int] | None:
    """The chain follower's lag; None (logged) when it cannot be read."""
    try:
        return chain_lag(read_engine(), EventSource(ledger())).as_dict()
    except Exception:  # informative, like the projector's: never fails readiness
        log.warning("chain lag unavailable", exc_info=True)
        return None


def projector_failure() -> dict[str, Any] | None:
    """The failure the projector recorded (position, event, error), if any."""
    try:
        with read_engine().connect() as conn:
            return read_failure(conn)
    except Exception:  # a store from before projection_status: nothing recorded
        log.debug("projector status unavailable", exc_info=True)
        return None


LAG_GAUGES = (
    ("head", "giftledger_event_log_position", "Last event recorded in the log"),
    ("position", "giftledger_projection_position", "Last event in the read models"),
    ("events_behind", "giftledger_projector_events_behind",
     "Events recorded but not yet in the read models"),
    ("seconds_behind", "giftledger_projector_seconds_behind",
     "Age of the oldest event not yet in the read models"),
)  # fmt: skip
CHAIN_GAUGES = (
    ("position", "giftledger_chain_position", "Last event linked into the hash chain"),
    ("events_behind", "giftledger_chain_events_behind",
     "Events recorded but not yet linked into the hash chain"),
    ("seconds_behind", "giftledger_chain_seconds_behind",
     "Age of the oldest event not yet linked into the hash chain"),
)  # fmt: skip


FAILURE_GAUGES = (
    ("failed", "giftledger_projector_failed",
     "1 while the projector is stopped by an event it cannot apply"),
    ("position", "giftledger_projector_failed_position",
     "Position of the event the projector cannot apply (0: none)"),
    ("failures", "giftledger_projector_failures",
     "Projector runs that failed at that position"),
)  # fmt: skip


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text format: the default registry plus the projector's lag."""
    local = CollectorRegistry()
    up = Gauge("giftledger_store_up", "1 when the store answered", registry=local)
    try:
        lag = projector_lag(read_engine(), EventSource(ledger())).as_dict()
    except Exception:  # a scrape must answer while the database is down
        log.warning("metrics: projector lag unavailable", exc_info=True)
        up.set(0)
    else:
        up.set(1)
        for key, name, text in LAG_GAUGES:
            Gauge(name, text, registry=local).set(lag[key])
        failure = projector_failure()
        values = {"failed": 1, **failure} if failure else {}
        for key, name, text in FAILURE_GAUGES:
            Gauge(name, text, registry=local).set(values.get(key, 0))
    chain = _chain_lag()
    for key, name, text in CHAIN_GAUGES:
        if chain is not None:
            Gauge(name, text, registry=local).set(chain[key])
    body = generate_latest(REGISTRY) + generate_latest(local)
    # content_type, not mimetype: the constant already names its charset.
    return Response(body, content_type=CONTENT_TYPE_LATEST)
