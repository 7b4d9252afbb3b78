"""Stopping and starting the local PostgreSQL cluster, always started again."""

from __future__ import annotations

import atexit
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _cluster() -> list[str]:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def is_up() -> bool:
    """True when the server accepts connections on 127.0.0.1:5432."""
    done = subprocess.run(
        ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False
    )
    return done.returncode == 0


def start(timeout: float = 60) -> None:
    """Start the cluster if it is down and wait until it answers."""
    if is_up():
        return
    subprocess.run([*_cluster(), "start"], check=False, capture_output=True)
    deadline = time.monotonic() + timeout
    while not is_up():
        if time.monotonic() > deadline:
            raise RuntimeError("PostgreSQL did not come back")
        time.sleep(0.2)


def stop() -> None:
    """Stop the cluster (fast shutdown: open sessions are cut)."""
    subprocess.run([*_cluster(), "stop", "-m", "fast"], check=True, capture_output=True)


@contextmanager
def outage() -> Iterator[None]:
    """PostgreSQL is down inside the block, and up again after it, whatever happens."""
    atexit.register(start)  # even if the test process is torn down mid-outage
    stop()
    try:
        yield
    finally:
        start()
        atexit.unregister(start)
