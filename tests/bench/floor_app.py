"""The floor: a bare Flask endpoint doing one INSERT per request (benchmark only).

It runs under the same gunicorn command line as the service, with a psycopg pool of
the same size per worker, so the gap between it and the ledger is the ledger's own
cost: validation, authentication, aggregates and the event store.
"""

from __future__ import annotations

import os

from flask import Flask, Response, jsonify, request
from psycopg_pool import ConnectionPool

TABLE_DDL = """
CREATE TABLE IF NOT EXISTS bench_floor (
    id BIGSERIAL PRIMARY KEY,
    idempotency_key TEXT NOT NULL,
    card_code TEXT NOT NULL,
    amount BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""
INSERT = (
    "INSERT INTO bench_floor (idempotency_key, card_code, amount)"
    " VALUES (%s, %s, %s) RETURNING id"
)


def create_app() -> Flask:
    """One app per gunicorn worker, with its own pool (built after the fork)."""
    pool = ConnectionPool(
        os.environ["BENCH_FLOOR_DATABASE_URL"],
        min_size=int(os.environ.get("GIFTLEDGER_POOL_SIZE", "4")),
        max_size=8,
        kwargs={"autocommit": True},
        open=True,
    )
    app = Flask("floor")

    @app.post("/floor")
    def floor() -> tuple[Response, int]:
        body = request.get_json()
        key = request.headers.get("Idempotency-Key", "")
        with pool.connection() as conn:
            row = conn.execute(
                INSERT, (key, body["card_code"], body["amount"])
            ).fetchone()
        assert row is not None
        return jsonify(id=row[0], amount=body["amount"]), 201

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    return app
