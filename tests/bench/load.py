"""wrk: installed from Debian's packages when missing, run with a Lua script."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"
CONNECTIONS = 16
THREADS = 2


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package (as root) when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("bench: wrk is missing; installing it with apt-get (Debian package 'wrk')")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk could not be installed")
    return found


@dataclass(frozen=True)
class Run:
    """What one wrk run measured."""

    requests: int
    seconds: float
    non2xx: int
    socket_errors: int
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(
    script: str, base_url: str, seconds: float, env: Mapping[str, str],
    connections: int = CONNECTIONS,
) -> Run:  # fmt: skip
    """Run wrk for `seconds` with lua/<script>.lua; parse its BENCH summary line."""
    threads = min(THREADS, connections)
    argv = [
        ensure_wrk(), "-t", str(threads), "-c", str(connections),
        "-d", f"{round(seconds)}s", "--timeout", "10s",
        "-s", str(LUA_DIR / f"{script}.lua"), base_url,
    ]  # fmt: skip
    settings = {
        **os.environ, **env, "BENCH_LUA_DIR": str(LUA_DIR),
        "BENCH_RUN_ID": uuid.uuid4().hex[:12],
    }  # fmt: skip
    done = subprocess.run(
        argv, env=settings, capture_output=True, text=True, timeout=seconds + 60
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            data = json.loads(line[6:])
            return Run(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                non2xx=data["non2xx"],
                socket_errors=data["socket_errors"],
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
            )
    raise RuntimeError(f"wrk gave no summary:\n{done.stdout}\n{done.stderr}")


@dataclass(frozen=True)
class Summary:
    """Medians of several runs; failures summed."""

    rps: float
    p50_ms: float
    p99_ms: float
    failures: int
    runs: int

    @classmethod
    def of(cls, runs: Sequence[Run]) -> Summary:
        """The medians of the runs."""
        return cls(
            rps=statistics.median(r.rps for r in runs),
            p50_ms=statistics.median(r.p50_ms for r in runs),
            p99_ms=statistics.median(r.p99_ms for r in runs),
            failures=sum(r.non2xx + r.socket_errors for r in runs),
            runs=len(runs),
        )
