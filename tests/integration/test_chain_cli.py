"""The chain's commands as an operator and an auditor run them, on both stores:
keygen, init-db chaining an existing store, checkpoint, verify-chain, proof, and
the checker run from a copy that cannot import anything of giftledger."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from uuid import UUID

from sqlalchemy import func, select

from domain.card_codes import card_id
from projections.chain.store import EVENT_CHAIN
from projections.engines import make_engine
from projections.events import EventSource
from service.app import create_app
from tests.integration.chain_support import A_CODES, LOCATION, Tamper, pos, positions_of

ROOT = Path(__file__).resolve().parents[2]
GIFTLEDGER = str(Path(sys.executable).with_name("giftledger"))
# Runs a script with every package of the project made unimportable.
ISOLATED = (
    "import runpy, sys; "
    "sys.modules.update(dict.fromkeys(['domain', 'projections', 'service',"
    " 'scripts'])); "
    "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GIFTLEDGER, *args], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def history(ledger) -> tuple[str, int]:
    bistro = ledger.register_merchant("Bistro", "GBP").id
    ledger.add_site(bistro, "Main", LOCATION)
    ledger.issue_card(bistro, A_CODES[0], 5000, "GBP", None, pos("s"))
    ledger.redeem(bistro, A_CODES[0], 1250, "GBP", LOCATION, None, pos("r"))
    cafe = ledger.register_merchant("Cafe", "GBP").id
    ledger.issue_card(cafe, A_CODES[1], 700, "GBP", None, pos("s"))
    return str(bistro), ledger.recorder.max_notification_id()


def test_the_commands_chain_sign_verify_and_prove(
    ledger, config, database_url, tmp_path
):
    merchant, head = history(ledger)
    key = tmp_path / "keys" / "chain.pem"
    env = {**os.environ, "DATABASE_URL": database_url, "GIFTLEDGER_CHAIN_KEY": str(key)}
    assert run(env, "audit", "keygen").returncode == 0
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert run(env, "audit", "keygen").returncode == 1, "never overwrites a key"

    # A store that existed before the chain: init-db links it from event 1.
    app = create_app(replace(config, create_tables=False))
    client = app.test_client()
    assert client.get("/readyz").json["chain"] is None  # no chain table yet
    assert run(env, "init-db").returncode == 0
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(EVENT_CHAIN)).scalar() == head
        )
    assert client.get("/readyz").json["chain"]["events_behind"] == 0
    ledger.redeem(UUID(merchant), A_CODES[0], 10, "GBP", LOCATION, None, pos())
    ready = client.get("/readyz").json
    assert ready["chain"]["events_behind"] == ready["position"] - head > 0
    assert "giftledger_chain_events_behind" in client.get("/metrics").get_data(True)

    signed = run(env, "audit", "checkpoint")
    assert signed.returncode == 0, signed.stderr
    assert f"position {ready['position']}" in signed.stdout
    verified = run(env, "audit", "verify-chain", "--no-progress")
    assert verified.returncode == 0 and verified.stdout.startswith("OK:"), verified
    proof = tmp_path / "proof.json"
    made = run(env, "audit", "proof", "--merchant", merchant, "-o", str(proof))
    assert made.returncode == 0, made.stderr

    checker = tmp_path / "auditor" / "check_proof.py"
    checker.parent.mkdir()
    shutil.copy(ROOT / "scripts" / "check_proof.py", checker)
    public = f"{key}.pub"
    cmd = [
        sys.executable,
        "-c",
        ISOLATED,
        str(checker),
        str(proof),
        "--public-key",
        public,
    ]
    checked = subprocess.run(cmd, cwd=checker.parent, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "****0001" in checked.stdout and "balance 3740" in checked.stdout
    assert "liability GBP 3740" in checked.stdout

    redeemed = positions_of(EventSource(ledger), card_id(UUID(merchant), A_CODES[0]))[1]
    Tamper(engine).change_one_byte(redeemed)
    broken = run(env, "audit", "verify-chain", "--no-progress")
    assert broken.returncode == 1
    assert f"DIFFERENCE position {redeemed}: changed" in broken.stdout
    assert run(env, "audit", "checkpoint").returncode == 1, "never signs a broken chain"
    assert (
        run(env, "audit", "proof", "--merchant", merchant, "-o", str(proof)).returncode
        == 0
    )
    checked = subprocess.run(cmd, cwd=checker.parent, capture_output=True, text=True)
    assert checked.returncode == 1 and "FAILED" in checked.stderr
    engine.dispose()
    app.extensions["giftledger.ledger"].close()
