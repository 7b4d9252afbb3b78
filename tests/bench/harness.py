"""Plumbing shared by the benchmark and the reliability suite: databases, servers.

Everything here talks to 127.0.0.1 only: the PostgreSQL server the tests use and
the gunicorn servers this module starts itself.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from scripts.serve import gunicorn_command

ROOT = Path(__file__).resolve().parents[2]
ADMIN_URL = os.environ.get(
    "BENCH_ADMIN_DATABASE_URL", "postgresql://root@127.0.0.1:5432/postgres"
)
WORKERS = int(os.environ.get("WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))  # `giftledger serve` default


def with_dbname(url: str, dbname: str) -> str:
    """The same server URL, another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{dbname}"))


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one run, dropped afterwards."""
    dbname = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield with_dbname(ADMIN_URL, dbname)
    finally:
        # The server may just have come back from an outage test: try a while.
        for attempt in range(30):
            try:
                with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
                break
            except psycopg.OperationalError:
                time.sleep(min(1.0, 0.1 * (attempt + 1)))


def init_db(database_url: str) -> None:
    """`giftledger init-db` against the database, as an operator runs it."""
    env = {**os.environ, "DATABASE_URL": database_url}
    code = "from scripts.cli import main; main()"
    subprocess.run(
        [sys.executable, "-c", code, "init-db"], env=env, cwd=ROOT, check=True
    )


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, urllib.error.URLError):
        return None


def children(pid: int) -> list[int]:
    """The process ids whose parent is `pid` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


class Server:
    """A process we start and stop ourselves (gunicorn, the projector)."""

    def __init__(
        self, name: str, argv: list[str], env: Mapping[str, str], log_dir: Path
    ) -> None:
        self.name = name
        self.argv = argv
        self.env = {**os.environ, **env}
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        """Start the process, its output going to a log file."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        return self

    @property
    def pid(self) -> int:
        """The process id."""
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process is not None and self.process.poll() is None

    def wait_http(self, url: str, timeout: float = 30.0) -> None:
        """Wait until `url` answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} died; see {self.log_path}")
            if http_status(url) == 200:
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer {url}; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL the process (a crash)."""
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
            assert self.process is not None
            self.process.wait(10)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL the whole process group if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def log_tail(self, lines: int = 40) -> str:
        """The end of the process's output, for a failure message."""
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return ""


def gunicorn(
    name: str, app_spec: str, port: int, env: Mapping[str, str], log_dir: Path
) -> Server:
    """The production gunicorn command line (scripts/serve.py) for an app."""
    argv = gunicorn_command("127.0.0.1", port, WORKERS, THREADS)
    argv[-1] = app_spec
    return Server(name, argv, env, log_dir)


def service(database_url: str, port: int, log_dir: Path, **env: str) -> Server:
    """giftledger itself under gunicorn, as `giftledger serve` runs it."""
    settings = {"DATABASE_URL": database_url, **env}
    return gunicorn("giftledger", "service.app:create_app()", port, settings, log_dir)
