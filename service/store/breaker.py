"""Fast 503s while PostgreSQL is down: a watcher thread and a circuit breaker.

Without it, a request during an outage sat in the event store's own retry loop
(ten attempts, each waiting for a pooled connection) until the database came
back: a hang, not an answer. One thread per worker probes the database five times
a second on its own connection; while the probe fails, every request but /healthz
is answered `503 service_unavailable` (with Retry-After) at once, and the pool's
wait for a connection is cut short so requests already inside the ledger fail
fast too. When the probe succeeds again, and the pool hands out a working
connection again, the breaker closes by itself.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import psycopg
from flask import Flask, Response, request

from service.http.problems import problem

log = logging.getLogger("giftledger.breaker")
# A request that starts before the probe sees an outage may wait out the pool's
# whole timeout (2 s) once: the shorter the probe interval, the rarer that is.
PROBE_SECONDS = 0.2
OPEN_POOL_TIMEOUT = 0.05  # seconds a request waits for a connection while down


class StoreWatch:
    """Whether the event store answers, as one worker's watcher thread sees it."""

    def __init__(self, database_url: str, pool: Any) -> None:
        self.url = database_url
        self.pool = pool
        self.closed_pool_timeout = pool.timeout
        self.down = False
        self._started = False
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def ensure_started(self) -> None:
        """Start the watcher in this process (gunicorn forks before any request)."""
        if self._started:
            return
        with self._lock:
            if not self._started:
                name = "giftledger-store-watch"
                threading.Thread(target=self._run, name=name, daemon=True).start()
                self._started = True

    def _run(self) -> None:
        conn: psycopg.Connection[Any] | None = None
        while not self._stopped.is_set():
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(self.url, connect_timeout=1, autocommit=True)
                conn.execute("SELECT 1")
                # Back up: close only once the pool serves again. Its own
                # reconnection backs off, and until it is done every request
                # would wait out the pool's timeout (2 s) instead of a fast 503.
                self._set(down=self.down and not self._pool_serves())
            except psycopg.Error:
                self._set(down=True)
                if conn is not None:
                    conn.close()
                conn = None
            self._stopped.wait(PROBE_SECONDS)
        if conn is not None:
            conn.close()

    def stop(self) -> None:
        """Stop the watcher thread (a worker's runs until the process ends)."""
        self._stopped.set()

    def _pool_serves(self) -> bool:
        """Whether the pool hands out a working connection at once."""
        try:
            with self.pool.connection(timeout=OPEN_POOL_TIMEOUT) as conn:
                conn.execute("SELECT 1")
        except Exception:  # a timeout, or a connection left from before the outage
            return False
        return True

    def _set(self, *, down: bool) -> None:
        if down == self.down:
            return
        self.down = down
        self.pool.timeout = OPEN_POOL_TIMEOUT if down else self.closed_pool_timeout
        if down:
            log.warning("event store unreachable: answering 503 until it is back")
        else:
            log.warning("event store reachable again")


def install(app: Flask, database_url: str, pool: Any) -> StoreWatch:
    """Refuse requests at once while the watcher sees the store down."""
    watch = StoreWatch(database_url, pool)

    @app.before_request
    def refuse_while_down() -> Response | None:
        watch.ensure_started()
        if watch.down and request.path != "/healthz":
            return problem("service_unavailable", "the ledger store is unreachable")
        return None

    return watch
