"""Projection rates: catch-up and rebuild over a backlog of card events.

    python -m tests.bench.projection_rates [--database-url URL] [--events 100000]

Creates a fresh database (PostgreSQL by default, on TEST_DATABASE_URL's server),
seeds loads on many cards through the Ledger (many events per save, so seeding is
quick), then times, `--runs` times each: the projector catching up from zero
(in-process, then as the real `scripts.run_projector --once` process) and
`scripts.rebuild_projections` (build, verify, swap). Prints medians, events/s.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from sqlalchemy import text

from domain.ledger import Ledger
from projections.engines import make_engine
from projections.events import EventSource
from projections.runner import Projector
from projections.schema import read_models
from scripts.init_db import init_db
from service.config import Config, ledger_env
from tests.integration.projection_helpers import seed_loads

ROOT = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")


def fresh_postgres() -> str:
    """A new, empty database on the test server."""
    name = f"giftledger_projbench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(SERVER)._replace(path=f"/{name}"))


def drop_postgres(url: str) -> None:
    """Drop a database made by fresh_postgres."""
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_read_models(url: str) -> None:
    """Back to zero: no rows, no positions."""
    engine = make_engine(url, writer=True)
    with engine.begin() as conn:
        for table in read_models().rebuilt:
            conn.execute(table.delete())
        conn.execute(text("DELETE FROM projection_positions"))
    engine.dispose()


def in_process(url: str, ledger: Ledger) -> float:
    """Seconds for Projector.catch_up from zero."""
    empty_read_models(url)
    engine = make_engine(url, writer=True)
    started = time.perf_counter()
    Projector(engine, EventSource(ledger)).catch_up()
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def script(url: str, module: str, *args: str) -> tuple[float, str]:
    """Seconds a script takes end to end (process start included), and its output."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise RuntimeError(f"{module} exited {done.returncode}:\n{output[-3000:]}")
    return time.perf_counter() - started, output


def main(argv: list[str] | None = None) -> int:
    """Seed, measure, print a markdown table."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.projection_rates")
    parser.add_argument("--database-url", help="default: a fresh PostgreSQL database")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    url = args.database_url or fresh_postgres()
    config = Config(database_url=url)
    try:
        init_db(config)
        ledger = Ledger(env=ledger_env(config))
        merchant = ledger.register_merchant("Bench", "GBP")
        started = time.perf_counter()
        loads = args.events // args.cards - 1
        seed_loads(ledger, merchant.id, args.cards, loads)
        head = ledger.recorder.max_notification_id()
        print(f"seeded {head} events in {time.perf_counter() - started:.1f}s")
        catch = [in_process(url, ledger) for _ in range(args.runs)]
        runs = []
        for _ in range(args.runs):
            empty_read_models(url)
            runs.append(script(url, "scripts.run_projector", "--once")[0])
        rebuilds, built = [], []
        for _ in range(args.runs):
            seconds, output = script(
                url, "scripts.rebuild_projections", "--no-progress"
            )
            rebuilds.append(seconds)
            found = re.search(r"\(([\d,]+) events/s\)", output)
            built.append(float(found.group(1).replace(",", "")) if found else 0.0)
        ledger.close()
        rows = [
            ("catch-up, in process (Projector.catch_up)", catch),
            ("catch-up, `run_projector --once` process", runs),
            ("rebuild, whole command (build + verify + swap)", rebuilds),
        ]
        print(f"\n{head} events, {args.cards} cards, {urlsplit(url).scheme}, "
              f"median of {args.runs}\n")  # fmt: skip
        print("| measure | seconds | events/s |\n|---|---|---|")
        for name, times in rows:
            seconds = statistics.median(times)
            print(f"| {name} | {seconds:.2f} | {head / seconds:,.0f} |")
        print(f"| rebuild, build phase (script's own figure) | | "
              f"{statistics.median(built):,.0f} |")  # fmt: skip
    finally:
        if not args.database_url:
            drop_postgres(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
