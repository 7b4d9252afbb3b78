"""`giftledger serve --with-projector` runs the chain follower beside the projector:
events written while it serves are linked within moments, without any command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from domain.ledger import Ledger
from projections.chain.store import chain_head
from projections.engines import make_engine
from service.config import Config, ledger_env
from tests.bench.harness import free_port
from tests.integration.chain_support import LOCATION, pos

ROOT = Path(__file__).resolve().parents[2]


def test_serve_with_projector_keeps_the_chain_up_to_date(tmp_path):
    url = f"sqlite:///{tmp_path}/giftledger.db"
    env = {**os.environ, "DATABASE_URL": url, "WORKERS": "1"}
    giftledger = [sys.executable, "-c", "from scripts.cli import main; main()"]
    subprocess.run([*giftledger, "init-db"], env=env, cwd=ROOT, check=True)
    served = subprocess.Popen(
        [*giftledger, "serve", "--with-projector", "--port", str(free_port())],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    ledger = Ledger(env=ledger_env(Config(database_url=url)))
    engine = make_engine(url)
    try:
        merchant = ledger.register_merchant("Bistro", "GBP").id
        ledger.add_site(merchant, "Main", LOCATION)
        ledger.issue_card(merchant, "7741229000510001", 900, "GBP", None, pos())
        head = ledger.recorder.max_notification_id()
        deadline = time.monotonic() + 30
        while True:
            with engine.connect() as conn:  # init-db created the chain's tables
                if chain_head(conn)[0] == head:
                    break
            assert time.monotonic() < deadline, "serve did not chain the events"
            assert served.poll() is None, "serve stopped"
            time.sleep(0.1)
    finally:
        os.killpg(served.pid, signal.SIGTERM)
        served.wait(30)
        ledger.close()
        engine.dispose()
