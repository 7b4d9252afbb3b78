"""The hash chain's figures: chaining and verify-chain rates, a 10,000-event
merchant's proof (size, build and check time), and redemptions with the chain
follower running against without it.

    python -m tests.bench.chain_rates [--backlog 100000] [--pairs 4] [--seconds 5]

PostgreSQL (a fresh database on TEST_DATABASE_URL's server) and a SQLite file.
Every command runs as the operator and the auditor run it (subprocesses).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from projections.chain.follower import ChainFollower
from projections.chain.store import create_chain_tables
from projections.engines import make_engine
from projections.events import EventSource
from tests.bench.harness import (
    ROOT,
    Server,
    children,
    free_port,
    fresh_database,
    init_db,
)
from tests.bench.harness import service as giftledger_service
from tests.bench.load import ensure_wrk, run_wrk
from tests.bench.seed import grow_history, open_ledger, seed_cards, seed_merchant
from tests.integration.projection_helpers import seed_loads

GIFTLEDGER = [sys.executable, "-c", "from scripts.cli import main; main()"]


def command(env: dict[str, str], *args: str) -> tuple[float, str]:
    """Run a giftledger command; (wall seconds, its output)."""
    started = time.perf_counter()
    done = subprocess.run(
        [*GIFTLEDGER, *args], env=env, cwd=ROOT, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return time.perf_counter() - started, done.stdout


def rates(url: str, backlog: int, tmp: Path) -> dict[str, float]:
    """Seed, chain, verify, sign, prove and check; the figures."""
    init_db(url)
    ledger = open_ledger(url)
    merchant = seed_merchant(ledger, "Proved bistro")
    codes = seed_cards(ledger, merchant.merchant_id, 10, 10**9)
    for code in codes:  # 10 cards x 999 redemptions: 10,000 card events
        grow_history(ledger, merchant.merchant_id, code, 999)
    other = ledger.register_merchant("Other", "GBP")
    seed_loads(ledger, other.id, backlog // 1000, 999, prefix="OTHER")
    source = EventSource(ledger)
    engine = make_engine(url, writer=True)
    create_chain_tables(engine)
    started = time.perf_counter()
    chained = ChainFollower(engine, source).catch_up()
    chain_seconds = time.perf_counter() - started
    engine.dispose()
    ledger.close()
    env = {**os.environ, "DATABASE_URL": url,
           "GIFTLEDGER_CHAIN_KEY": str(tmp / "chain.pem")}  # fmt: skip
    command(env, "audit", "keygen")
    checkpoint_s, _ = command(env, "audit", "checkpoint")
    _, out = command(env, "audit", "verify-chain", "--no-progress")
    verify_rate = float(re.search(r"([\d,]+) events/s", out)[1].replace(",", ""))  # type: ignore[index]
    proof = tmp / "proof.json"
    build_s, _ = command(
        env, "audit", "proof", "--merchant", str(merchant.merchant_id), "-o", str(proof)
    )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_proof.py"), str(proof),
         "--public-key", str(tmp / "chain.pem.pub")],
        check=True, capture_output=True,
    )  # fmt: skip
    check_s = time.perf_counter() - started
    return {
        "events": chained, "chain_events_per_s": chained / chain_seconds,
        "verify_events_per_s": verify_rate, "checkpoint_s": checkpoint_s,
        "proof_mb": proof.stat().st_size / 1e6, "proof_build_s": build_s,
        "proof_check_s": check_s,
    }  # fmt: skip


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the processes used so far (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def redemptions(pairs: int, seconds: int, tmp: Path) -> dict[str, float]:
    """req/s of POS redemptions without, then with, the follower; pairs of runs."""
    ensure_wrk()
    with fresh_database("giftledger_chainbench") as url:
        init_db(url)
        ledger = open_ledger(url)
        merchant = seed_merchant(ledger)
        seed_cards(ledger, merchant.merchant_id, 1000, 10**9)
        ledger.close()
        port = free_port()
        app = giftledger_service(url, port, tmp).start()
        follower = Server(
            "chain", [sys.executable, "-m", "scripts.chain_follow"],
            {"DATABASE_URL": url}, tmp,
        )  # fmt: skip
        env = {"BENCH_POS_TOKEN": merchant.pos_token}
        base = f"http://127.0.0.1:{port}"
        ratios, without, with_, costs = [], [], [], []
        try:
            app.wait_http(base + "/healthz")
            run_wrk("redemptions", base, 2, env)
            for _ in range(pairs):
                alone = run_wrk("redemptions", base, seconds, env)
                follower.start()
                time.sleep(1.0)  # started and caught up before timing
                workers = children(app.pid)
                cpu_before = cpu_seconds(workers), cpu_seconds([follower.pid])
                beside = run_wrk("redemptions", base, seconds, env)
                time.sleep(0.5)  # the follower's last batch
                cpu_after = cpu_seconds(workers), cpu_seconds([follower.pid])
                follower.stop()
                worker_cpu = cpu_after[0] - cpu_before[0]
                chain_cpu = cpu_after[1] - cpu_before[1]
                costs.append(
                    (worker_cpu / beside.requests, chain_cpu / beside.requests)
                )
                without.append(alone.rps)
                with_.append(beside.rps)
                ratios.append(beside.rps / alone.rps)
        finally:
            follower.stop()
            app.stop()
    return {
        "rps_without": statistics.median(without),
        "rps_with": statistics.median(with_),
        "ratio_median": statistics.median(ratios),
        "ratio_min": min(ratios), "ratio_max": max(ratios),
        "worker_cpu_ms_per_redemption": 1000 * statistics.median(c[0] for c in costs),
        "follower_cpu_ms_per_redemption": 1000 * statistics.median(c[1] for c in costs),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Print every figure."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.chain_rates")
    parser.add_argument("--backlog", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--skip-redemptions", action="store_true")
    parser.add_argument("--only-redemptions", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.only_redemptions:
            print("redemptions", redemptions(args.pairs, args.seconds, Path(tmp)))
            return 0
        with fresh_database("giftledger_chainrates") as url:
            (Path(tmp) / "pg").mkdir()
            print("postgresql", rates(url, args.backlog, Path(tmp) / "pg"), flush=True)
        (Path(tmp) / "lite").mkdir()
        lite = f"sqlite:///{tmp}/lite/giftledger.db"
        print("sqlite", rates(lite, args.backlog, Path(tmp) / "lite"), flush=True)
        if not args.skip_redemptions:
            print("redemptions", redemptions(args.pairs, args.seconds, Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
