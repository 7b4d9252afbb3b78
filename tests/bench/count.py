"""Instructions per request: callgrind on an in-process loop (`make count`).

For each scenario (the floor, a POS redemption, an RTN CLOSE receipt with one
gift-card payment) and for N = 150 and 450: a fresh PostgreSQL database, seeded
outside valgrind, then `valgrind --tool=callgrind` on a process that builds the app
and sends N requests through Flask's test client. Instructions per request are
(I(450) - I(150)) / 300, so start-up, imports and the first loads cancel out.
The tree is byte-compiled first and the hash seed is fixed (PYTHONHASHSEED=0):
two counts of one commit then agree within 0.01% alone (within 1% beside other counts).
"""

from __future__ import annotations

import compileall
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.bench.harness import ROOT, fresh_database, init_db

SHORT, LONG = 150, 450
CARDS = 50  # requests cycle over these, so nearly all of them find the card cached
SCENARIOS = ("floor", "redemption", "rtn")
LABELS = {
    "floor": "floor (bare Flask + 1 INSERT)",
    "redemption": "POS redemption",
    "rtn": "RTN CLOSE, 1 gift-card payment",
}


def loop(scenario: str, requests: int, url: str, secret: str) -> None:
    """Send `requests` requests in process (this is what callgrind counts)."""
    if scenario == "floor":
        os.environ["BENCH_FLOOR_DATABASE_URL"] = url
        from tests.bench.floor_app import TABLE_DDL, create_app

        app = create_app()
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(TABLE_DDL)
    else:
        from service.app import create_app as create_ledger_app
        from service.config import Config

        app = create_ledger_app(Config(database_url=url))
    client = app.test_client()
    template = rtn_body() if scenario == "rtn" else ""
    for n in range(requests):
        code = f"BENCH{n % CARDS:012d}"
        if scenario == "rtn":
            account = str(100000000000 + n)
            body = template.replace("__ACCOUNT__", account).replace("__CODE__", code)
            body = re.sub(r"__LINE(\d)__", lambda m, a=account: a + m[1], body)
            headers = {"Authorization": f"Basic {secret}"}
            path = "/v1/webhooks/lightspeed/rtn"
        else:
            body = (
                f'{{"card_code": "{code}", "amount": 1, "currency": "GBP", '
                '"business_location_id": "40570261078018"}'
            )
            headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": f"k{n}"}
            path = "/floor" if scenario == "floor" else "/v1/pos/redemptions"
        headers["Content-Type"] = "application/json"
        answer = client.post(path, data=body, headers=headers)
        assert answer.status_code in (200, 201), (answer.status_code, answer.data)


def rtn_body() -> str:
    """The bench's RTN template (tests/bench/seed.rtn_template), as text."""
    from tests.bench.seed import rtn_template

    with tempfile.TemporaryDirectory() as tmp:
        return rtn_template(Path(tmp) / "rtn.json").read_text()


def seed(scenario: str, url: str) -> str:
    """Seed a fresh database; the credential the scenario's requests present."""
    if scenario == "floor":
        return "none"
    from tests.bench.seed import open_ledger, seed_cards, seed_merchant

    init_db(url)
    ledger = open_ledger(url)
    merchant = seed_merchant(ledger)
    seed_cards(ledger, merchant.merchant_id, CARDS, 10**9)
    ledger.close()
    return merchant.webhook_basic if scenario == "rtn" else merchant.pos_token


def instructions(scenario: str, requests: int) -> int:
    """callgrind's total of one run of the loop."""
    with fresh_database("giftledger_count") as url, tempfile.TemporaryDirectory() as t:
        secret = seed(scenario, url)
        out = Path(t) / "callgrind.out"
        argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                "--dump-line=no", sys.executable, "-m", "tests.bench.count",
                "--loop", scenario, str(requests), url, secret]  # fmt: skip
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True)
        found = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.M)
        assert found, "no total in callgrind's output"
        return int(found[1])


def main(argv: list[str]) -> int:
    """Print the table (or, with --loop, be the counted process)."""
    if argv[:1] == ["--loop"]:
        loop(argv[1], int(argv[2]), argv[3], argv[4])
        return 0
    scenarios = argv or list(SCENARIOS)
    for tree in ("domain", "service", "projections", "scripts", "tests"):
        compileall.compile_dir(ROOT / tree, quiet=1)
    print("| instructions per request (in-process) | M |")
    print("|---|---:|")
    for scenario in scenarios:
        short, long = instructions(scenario, SHORT), instructions(scenario, LONG)
        per_request = (long - short) / (LONG - SHORT)
        print(f"| {LABELS[scenario]} | {per_request / 1e6:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
