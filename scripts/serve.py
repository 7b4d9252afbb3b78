"""Run the service under gunicorn (and, optionally, the projector and chain follower).

Writes never depend on the projector: when it exits (an event it cannot apply, a
crash), gunicorn keeps serving and the projector is started again after a delay
that doubles from 1 s up to 60 s, back to 1 s once a run has lasted 60 s. Only
gunicorn's own exit, SIGTERM or SIGINT stop the service.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

from service.http.logs import configure_logging

log = logging.getLogger("giftledger.serve")

FIRST_DELAY = 1.0
MAX_DELAY = 60.0
HEALTHY_RUN = 60.0  # a projector that ran this long starts the backoff afresh
POLL = 0.2


def gunicorn_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    """The production gunicorn command line (no --preload: one ledger per worker)."""
    return [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--worker-class", "service.gunicorn_worker.ProblemWorker",
        "--threads", str(threads),
        "--graceful-timeout", "10",
        "--timeout", "30",
        "--config", "python:service.gunicorn_hooks",
        "service.app:create_app()",
    ]  # fmt: skip


class Backoff:
    """Delays between projector restarts: doubling, capped, reset by a long run."""

    def __init__(self, first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> None:
        self.first, self.cap, self.next = first, cap, first

    def after_run(self, lasted: float) -> float:
        """The delay before the next start, given how long the last run lasted."""
        if lasted >= HEALTHY_RUN:
            self.next = self.first
        delay, self.next = self.next, min(self.next * 2, self.cap)
        return delay


class Supervisor:
    """Keeps one follower process (projector, chain) running beside gunicorn."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.restart_at: float | None = 0.0
        self.backoff = Backoff()
        self.restarts = 0

    def tick(self, now: float) -> None:
        """Notice an exit and schedule a restart, or start when the delay is over."""
        if self.process is not None and self.process.poll() is not None:
            code, lasted = self.process.returncode, now - self.started
            delay = self.backoff.after_run(lasted)
            log.warning(
                "serve: the %s exited with status %d after %.1fs; "
                "gunicorn keeps serving, it restarts in %.0fs",
                self.name, code, lasted, delay,
                extra={"fields": {"event": f"{self.name}_exited", "status": code,
                                  "restart_in": delay, "restarts": self.restarts}},
            )  # fmt: skip
            self.process, self.restart_at = None, now + delay
        due = self.restart_at is not None and now >= self.restart_at
        if self.process is None and due:
            if self.started:
                self.restarts += 1
            argv = [sys.executable, "-m", self.module]
            self.process, self.started = subprocess.Popen(argv), now
            self.restart_at = None

    def stop(self) -> None:
        """Stop the process for good."""
        self.restart_at = None
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self) -> None:
        """Wait for the process to finish its batch and exit."""
        if self.process is not None:
            self.process.wait()


def serve(
    host: str, port: int, workers: int, threads: int, with_projector: bool
) -> int:
    """Start gunicorn (and the followers); stop them all on SIGTERM or SIGINT."""
    configure_logging()
    web = subprocess.Popen(gunicorn_command(host, port, workers, threads))
    # The chain follows apart: a projector stopped by a bad event leaves it running.
    followers = (
        [Supervisor("scripts.run_projector", "projector"),
         Supervisor("scripts.chain_follow", "chain_follower")]
        if with_projector else []
    )  # fmt: skip
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for follower in followers:
            follower.stop()
        if web.poll() is None:
            web.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while web.poll() is None and not stopping:
        for follower in followers:
            follower.tick(time.monotonic())
        time.sleep(POLL)
    stop(signal.SIGTERM, None)
    for follower in followers:
        follower.wait()
    return web.wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point: `python -m scripts.serve`."""
    port = int(os.environ.get("PORT", "8000"))
    workers = int(os.environ.get("WORKERS", "2"))
    return serve("127.0.0.1", port, workers, 4, "--with-projector" in (argv or []))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
