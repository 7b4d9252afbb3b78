"""The breaker (service/store/breaker.py) on a real PostgreSQL: once the database
answers again it closes only when the pool hands out a connection, so requests
in between get a fast 503 instead of waiting out the pool's timeout."""

from __future__ import annotations

import time

from psycopg_pool import ConnectionPool

from service.store.breaker import OPEN_POOL_TIMEOUT, StoreWatch


def wait_for(predicate, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_the_breaker_closes_only_once_the_pool_serves_again(postgres_server_url):
    pool = ConnectionPool(
        postgres_server_url, min_size=1, max_size=1, timeout=2.0, open=True
    )
    watch = StoreWatch(postgres_server_url, pool)
    try:
        pool.wait()
        held = pool.getconn()  # the pool cannot serve: as while it reconnects
        watch.down = True  # as the probe left it during an outage
        pool.timeout = OPEN_POOL_TIMEOUT
        watch.ensure_started()
        time.sleep(1.0)  # five probes: the database itself answers every one
        assert watch.down, "closed while the pool could not hand out a connection"
        pool.putconn(held)
        assert wait_for(lambda: not watch.down), "never closed once the pool served"
        assert pool.timeout == 2.0  # the pool's own wait is back
    finally:
        watch.stop()
        pool.close()


def test_the_breaker_opens_when_the_database_stops_answering(postgres_server_url):
    unreachable = "postgresql://127.0.0.1:9/none?connect_timeout=1"
    pool = ConnectionPool(
        postgres_server_url, min_size=1, max_size=1, timeout=2.0, open=True
    )
    watch = StoreWatch(unreachable, pool)
    try:
        watch.ensure_started()
        assert wait_for(lambda: watch.down), "still closed with no database"
        assert pool.timeout == OPEN_POOL_TIMEOUT
    finally:
        watch.stop()
        pool.close()
