"""The Flask application factory: wires the ledger, blueprints and error handling."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from types import FunctionType
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from service.config import Config, ledger_env
from service.http.headers import register_safe_headers
from service.http.logs import configure_logging, register_access_log
from service.http.problems import register_problem_handlers
from service.store import breaker
from service.store.ledger import LAST_POSITION, StoredLedger
from service.store.pg_lease import ConnectionLease
from service.store.repository import FRESH

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class GiftLedgerFlask(Flask):
    """Flask, remembering which functions are synchronous.

    Flask asks `inspect.iscoroutinefunction` of every hook and view on every
    request (8 times per redemption); the answer never changes. Flask's docs name
    `ensure_sync` as the method to override.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synchronous: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """The function itself, or Flask's wrapper for a coroutine function."""
        try:
            return self._synchronous[func]
        except KeyError:
            sync = super().ensure_sync(func)
            if isinstance(func, FunctionType):  # hooks and views: made once per app
                self._synchronous[func] = sync
            return sync


def create_app(config: Config | None = None) -> Flask:
    """Build the app and its ledger (call it in each gunicorn worker, never before)."""
    config = config or Config.from_env()
    app = GiftLedgerFlask("giftledger")
    # Answers keep their schema's field order (the OpenAPI document's): sorting
    # every object's keys on every answer bought nothing.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.config["GIFTLEDGER"] = config
    if config.admin_token:
        digest = hashlib.sha256(config.admin_token.encode()).hexdigest()
        app.config["GIFTLEDGER_ADMIN_TOKEN_SHA256"] = digest
    kwargs = {"clock": config.clock} if config.clock else {}
    ledger = StoredLedger(env=ledger_env(config), **kwargs)
    app.extensions["giftledger.ledger"] = ledger

    configure_logging()
    register_problem_handlers(app)
    _register_request_scope(app, getattr(ledger.recorder, "lease", None))
    if config.watch_database and config.is_postgres:
        recorder = ledger.recorder
        watch = breaker.install(app, config.database_url, recorder.datastore.pool)  # type: ignore[attr-defined]
        recorder.store_down = lambda: watch.down  # type: ignore[attr-defined]
    register_access_log(app)
    register_safe_headers(app)  # before the blueprints: it sets how rules match
    _register_blueprints(app)
    return app


def _register_request_scope(app: Flask, lease: ConnectionLease | None) -> None:
    begin = lease.begin if lease else lambda: None
    end = lease.end if lease else lambda: None

    @app.before_request
    def assign_request_id() -> None:
        presented = request.headers.get("X-Request-Id", "")
        known = REQUEST_ID.fullmatch(presented)
        g.request_id = presented if known else secrets.token_hex(16)
        LAST_POSITION.set(None)
        FRESH.set({})
        begin()

    @app.teardown_request
    def end_request_scope(_: BaseException | None) -> None:
        # Fresh means "read from the store during this request": never longer.
        FRESH.set(None)
        end()

    @app.before_request
    def refuse_oversized_chunked_bodies() -> None:
        # Werkzeug cuts a chunked body at MAX_CONTENT_LENGTH without an error;
        # a cut body must be refused whole, never parsed. A Content-Length (nearly
        # every request) settles it before the limit is even looked up.
        if request.content_length is not None or request.method == "GET":
            return
        limit = request.max_content_length
        if limit and len(request.get_data(cache=True)) >= limit:
            raise RequestEntityTooLarge()

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        position = LAST_POSITION.get()
        if position is not None:
            # Read-your-writes: pass it as min_position (or X-Min-Position) to reads.
            response.headers["X-Ledger-Position"] = str(position)
        return response


def _register_blueprints(app: Flask) -> None:
    from service import dashboard, pos_extension
    from service.admin import cards as admin_cards
    from service.admin import devices as admin_devices
    from service.admin import integrations as admin_integrations
    from service.admin import merchants as admin_merchants
    from service.admin import users as admin_users
    from service.health import routes as health
    from service.http import openapi
    from service.lightspeed import webhook as lightspeed_webhook
    from service.pos import routes as pos
    from service.reads import routes as reads

    for module in (
        health,
        admin_merchants,
        admin_integrations,
        admin_cards,
        admin_devices,
        admin_users,
        pos,
        lightspeed_webhook,
        reads,
        pos_extension,
        openapi,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(pos_extension.api_bp)
    dashboard.register(app)
