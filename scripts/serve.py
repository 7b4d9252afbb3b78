"""Run the service under gunicorn (and, optionally, the projector beside it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def gunicorn_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    """The production gunicorn command line (no --preload: one ledger per worker)."""
    return [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--graceful-timeout", "10",
        "--timeout", "30",
        "--config", "python:service.gunicorn_hooks",
        "service.app:create_app()",
    ]  # fmt: skip


def serve(
    host: str, port: int, workers: int, threads: int, with_projector: bool
) -> int:
    """Start gunicorn (and the projector); stop both on SIGTERM or SIGINT."""
    children = [subprocess.Popen(gunicorn_command(host, port, workers, threads))]
    if with_projector:
        projector = [sys.executable, "-m", "scripts.run_projector"]
        children.append(subprocess.Popen(projector))
        # The chain follows apart: a projector stopped by a bad event leaves it running.
        chain = [sys.executable, "-m", "scripts.chain_follow"]
        children.append(subprocess.Popen(chain))

    def stop(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(child.poll() is None for child in children):
        time.sleep(0.5)
    stop(signal.SIGTERM, None)
    return max(child.wait() for child in children)


def main(argv: list[str] | None = None) -> int:
    """Entry point: `python -m scripts.serve`."""
    port = int(os.environ.get("PORT", "8000"))
    workers = int(os.environ.get("WORKERS", "2"))
    return serve("127.0.0.1", port, workers, 4, "--with-projector" in (argv or []))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
