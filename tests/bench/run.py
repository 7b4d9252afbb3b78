"""`make bench`: the floor, POS redemptions, RTN receipts, long history, catch-up.

One run, one fresh PostgreSQL database, the real gunicorn command line; wrk with
16 connections; each figure is the median of several short runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from domain.origin import Origin
from tests.bench import catchup, report
from tests.bench.floor_app import TABLE_DDL
from tests.bench.harness import ROOT, free_port, fresh_database, gunicorn, init_db
from tests.bench.harness import service as giftledger_service
from tests.bench.load import Run, Summary, ensure_wrk, run_wrk
from tests.bench.seed import (
    CARD_FORMAT,
    LOCATION,
    grow_history,
    open_ledger,
    rtn_template,
    seed_cards,
    seed_merchant,
)

CARDS = 1000
BALANCE = 10**9  # minor units: enough for every redemption of the run
HISTORY = 10_000
RESULTS = ROOT / "var" / "bench" / "results.json"


def main(argv: list[str] | None = None) -> int:
    """Run every scenario and print the markdown table."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run")
    parser.add_argument("--runs", type=int, default=5, help="runs per scenario")
    parser.add_argument("--seconds", type=int, default=5, help="length of a run")
    parser.add_argument("--backlog", type=int, default=100_000)
    parser.add_argument(
        "--quick", action="store_true",
        help="throughput only (no history latency, no catch-up): for profiling work",
    )  # fmt: skip
    args = parser.parse_args(argv)
    ensure_wrk()
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="giftledger-bench-") as tmp,
        fresh_database("giftledger_bench") as url,
    ):
        results = bench(
            url, Path(tmp), args.runs, args.seconds, args.backlog, args.quick
        )
    results["total_seconds"] = round(time.monotonic() - started, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(report.markdown(results))
    print(f"\n(bench took {results['total_seconds']} s; figures in {RESULTS})")
    return 0


def bench(
    url: str, tmp: Path, runs: int, seconds: float, backlog: int, quick: bool = False
) -> dict:
    """Seed, serve, load; returns every figure."""
    step = report.Steps()
    init_db(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(TABLE_DDL)
    ledger = open_ledger(url)
    merchant = seed_merchant(ledger)
    seed_cards(ledger, merchant.merchant_id, CARDS, BALANCE)
    long_card, fresh_cards = (
        "BENCHHISTORY0001",
        [f"BENCHFRESH{n:06d}" for n in range(pairs(runs))],
    )
    ledger.issue_card(merchant.merchant_id, long_card, BALANCE, "GBP", None, _origin())
    grow_history(ledger, merchant.merchant_id, long_card, HISTORY - 1)
    for code in fresh_cards:
        ledger.issue_card(merchant.merchant_id, code, BALANCE, "GBP", None, _origin())
    ledger.close()
    step("seeded: 1,000 cards, a 10,000-event card")

    env = {
        "BENCH_CARDS": str(CARDS), "BENCH_CARD_FORMAT": CARD_FORMAT,
        "BENCH_LOCATION": LOCATION, "BENCH_POS_TOKEN": merchant.pos_token,
        "BENCH_WEBHOOK_BASIC": merchant.webhook_basic,
        "BENCH_RTN_TEMPLATE": str(rtn_template(tmp / "rtn.json")),
    }  # fmt: skip
    floor_port, app_port = free_port(), free_port()
    floor = gunicorn(
        "floor", "tests.bench.floor_app:create_app()", floor_port,
        {"BENCH_FLOOR_DATABASE_URL": url}, tmp,
    )  # fmt: skip
    app = giftledger_service(url, app_port, tmp)
    targets = {
        "floor": f"http://127.0.0.1:{floor_port}",
        "redemptions": f"http://127.0.0.1:{app_port}",
        "rtn": f"http://127.0.0.1:{app_port}",
    }
    measured: dict[str, list[Run]] = {name: [] for name in targets}
    latency: dict[str, list[Run]] = {"1-event card": [], "10,000-event card": []}
    try:
        floor.start()
        app.start()
        floor.wait_http(targets["floor"] + "/healthz")
        app.wait_http(targets["redemptions"] + "/healthz")
        step("servers up")
        for name, base in targets.items():  # warm-up: caches, pools, JIT of wrk
            run_wrk(name, base, 2, {**env, "BENCH_ACCOUNT_BASE": "100000000000"})
        step("warmed up")
        for n in range(runs):  # interleaved, so drift hits every scenario alike
            account_base = str(200_000_000_000 + n * 1_000_000_000)
            for name, base in targets.items():
                run_env = {**env, "BENCH_ACCOUNT_BASE": account_base}
                measured[name].append(run_wrk(name, base, seconds, run_env))
        step(f"throughput: {runs} x {seconds:g} s per scenario")
        if quick:
            return {**_throughput(measured), "steps": step.done}
        # Both workers load the long card once (snapshot + events) before timing;
        # a fresh card costs nothing to load. Steady state is what is compared.
        warm = {**env, "BENCH_CARD": long_card}
        run_wrk("redemptions", targets["redemptions"], 1, warm, 2)
        for n in range(pairs(runs)):
            for label, code in (
                ("1-event card", fresh_cards[n]), ("10,000-event card", long_card)
            ):  # fmt: skip
                one = {**env, "BENCH_CARD": code}
                latency[label].append(
                    run_wrk("redemptions", targets["redemptions"], 2, one, 1)
                )
        step(f"latency by history: 1 connection, {pairs(runs)} x 2 s per card")
    finally:
        logs = {"floor": floor.log_tail(), "giftledger": app.log_tail()}
        app.stop()
        floor.stop()
    catch = catchup.measure(url, merchant.merchant_id, backlog, tmp)
    step("projector catch-up")
    return {
        **_throughput(measured),
        "latency": {k: Summary.of(v).__dict__ for k, v in latency.items()},
        "history_ratio": statistics.median(
            long.p50_ms / one.p50_ms
            for one, long in zip(
                latency["1-event card"], latency["10,000-event card"], strict=True
            )
        ),
        "catchup": catch,
        "steps": step.done,
        "log_tails": logs if _any_failures(measured, latency) else {},
    }


def _throughput(measured: dict[str, list[Run]]) -> dict:
    """Medians per scenario, each run's req/s, and the ratios to the floor: the
    median over rounds of a scenario's run against the floor's run just before it
    (the machine drifts between rounds, much less within one)."""
    floor = measured["floor"]
    return {
        "throughput": {k: Summary.of(v).__dict__ for k, v in measured.items()},
        "rps_by_run": {k: [round(r.rps) for r in v] for k, v in measured.items()},
        "ratios": {
            k: statistics.median(
                r.rps / f.rps for r, f in zip(v, floor, strict=True) if f.rps
            )
            for k, v in measured.items()
        },
    }


def pairs(runs: int) -> int:
    """Short latency runs, alternating cards: the machine's drift between two
    runs, not the card, once made a 3-run median of the ratio 1.23 x."""
    return max(runs, 7)


def _origin() -> Origin:
    return Origin(source="admin", actor="bench")


def _any_failures(*groups: dict[str, list[Run]]) -> bool:
    return any(
        r.non2xx or r.socket_errors for g in groups for v in g.values() for r in v
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
