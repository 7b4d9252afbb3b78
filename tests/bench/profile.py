"""Profile one gunicorn worker with py-spy while wrk drives a scenario.

`python -m tests.bench.profile [redemptions|rtn] [seconds] [--gil]` seeds a fresh
database, serves it under the production gunicorn command line, and writes py-spy's
collapsed stacks (wall clock, all threads; with --gil only the thread holding the
GIL, i.e. where the worker's CPU goes) to var/bench/profile-<scenario>.txt, then
prints the busiest leaf frames. py-spy comes with the dev extras.
"""

from __future__ import annotations

import collections
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.bench.harness import ROOT, children, free_port, fresh_database, init_db
from tests.bench.harness import service as giftledger_service
from tests.bench.load import run_wrk
from tests.bench.seed import open_ledger, rtn_template, seed_cards, seed_merchant

IDLE = ("Condition.wait", "EpollSelector.select", "Event.wait", "_worker (", "sleep")


def main(argv: list[str]) -> int:
    """Profile and print the top frames."""
    gil = "--gil" in argv
    argv = [a for a in argv if a != "--gil"]
    scenario = argv[0] if argv else "redemptions"
    seconds = int(argv[1]) if len(argv) > 1 else 8
    out = ROOT / "var" / "bench" / f"profile-{scenario}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    with tempfile.TemporaryDirectory() as tmp, fresh_database("giftledger_prof") as url:
        init_db(url)
        ledger = open_ledger(url)
        merchant = seed_merchant(ledger)
        seed_cards(ledger, merchant.merchant_id, 1000, 10**9)
        ledger.close()
        port = free_port()
        app = giftledger_service(url, port, Path(tmp)).start()
        base = f"http://127.0.0.1:{port}"
        env = {
            "BENCH_POS_TOKEN": merchant.pos_token,
            "BENCH_WEBHOOK_BASIC": merchant.webhook_basic,
            "BENCH_RTN_TEMPLATE": str(rtn_template(Path(tmp) / "rtn.json")),
            "BENCH_ACCOUNT_BASE": "100000000000",
        }
        try:
            app.wait_http(base + "/healthz")
            run_wrk(scenario, base, 2, env)  # warm the caches first
            worker = children(app.pid)[0]
            argv_spy = [spy, "record", "-p", str(worker), "-d", str(seconds),
                        "-f", "raw", "-r", "200", "-o", str(out)]  # fmt: skip
            if gil:
                argv_spy.append("--gil")
            recorder = subprocess.Popen(argv_spy, stdout=subprocess.DEVNULL)
            env["BENCH_ACCOUNT_BASE"] = "200000000000"
            print(run_wrk(scenario, base, seconds, env))
            recorder.wait(seconds + 30)
        finally:
            app.stop()
    leaves: collections.Counter[str] = collections.Counter()
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        leaf = stack.split(";")[-1]
        if not any(word in leaf for word in IDLE):
            leaves[leaf] += int(count)
    total = sum(leaves.values()) or 1
    for leaf, count in leaves.most_common(20):
        print(f"{100 * count / total:5.1f}% {leaf}")
    print(f"collapsed stacks in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
