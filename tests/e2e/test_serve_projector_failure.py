"""`giftledger serve --with-projector` under real gunicorn while the projector fails.

An Issued event no read model can apply is written into the store through the
library (as a buggy older writer would have). The projector stops right before
it; gunicorn keeps taking writes; /readyz and /metrics show the failure and its
position; the JSON logs carry it; and the supervisor starts the projector again,
which fails again at the same position (counted in the status row).
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import requests

from domain.ledger import Ledger
from service.config import Config, ledger_env
from tests.bench.harness import Server, free_port, init_db
from tests.e2e.support import ADMIN_TOKEN
from tests.poison_events import store_unappliable

PLATFORM = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def eventually(probe: Callable[[], Any], what: str, server: Server, timeout=45.0):
    """Poll until `probe` gives something truthy; fail with the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout}s\n{server.log_tail(60)}")


def test_writes_go_on_while_the_projector_fails(database_url, tmp_path):
    init_db(database_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = Server(
        "serve", [sys.executable, "-m", "scripts.serve", "--with-projector"],
        {"DATABASE_URL": database_url, "PORT": str(port), "WORKERS": "1",
         "GIFTLEDGER_ADMIN_TOKEN": ADMIN_TOKEN},
        tmp_path,
    ).start()  # fmt: skip
    try:
        serve.wait_http(f"{base}/readyz", timeout=60)
        merchant = requests.post(
            f"{base}/v1/merchants", json={"name": "Poisoned", "currency": "GBP"},
            headers=PLATFORM, timeout=10,
        ).json()["merchant_id"]  # fmt: skip
        cards = f"{base}/v1/merchants/{merchant}/cards"

        def issue(code: str) -> int:
            body = {"amount": 500, "currency": "GBP", "code": code}
            return requests.post(
                cards, json=body, headers=PLATFORM, timeout=10
            ).status_code

        assert issue("BEFORE-1") == 201
        ledger = Ledger(env=ledger_env(Config(database_url=database_url)))
        try:
            poison = store_unappliable(ledger, UUID(merchant), "POISON-1")
        finally:
            ledger.close()

        def failed() -> dict[str, Any] | None:
            projector = requests.get(f"{base}/readyz", timeout=5).json()["projector"]
            return projector if projector and projector["state"] == "failed" else None

        projector = eventually(failed, "/readyz shows the failure", serve)
        failure = projector["failure"]
        assert failure["position"] == poison and "TypeError" in failure["error"]
        assert "Issued of" in failure["event"]
        assert projector["position"] == poison - 1  # everything before it applied

        # Writes never wait for the projector: the node stays ready and serves.
        for n in range(5):
            assert issue(f"DURING-{n}") == 201
        adjusted = requests.post(
            f"{cards}/DURING-0/adjustments",
            json={"amount": 100, "reason": "complimentary"},
            headers=PLATFORM, timeout=10,
        )  # fmt: skip
        assert adjusted.status_code in (200, 201), adjusted.text
        card = requests.get(f"{cards}/DURING-0", headers=PLATFORM, timeout=10)
        assert card.json()["balance"] == 600
        ready = requests.get(f"{base}/readyz", timeout=5)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert ready.json()["projector"]["events_behind"] >= 6

        metrics = requests.get(f"{base}/metrics", timeout=5).text
        assert "giftledger_projector_failed 1.0" in metrics
        assert f"giftledger_projector_failed_position {float(poison)}" in metrics

        # The supervisor restarts the projector (1 s, then 2 s...): it fails again.
        def restarted() -> bool:
            projector = failed()
            return bool(projector and projector["failure"]["failures"] >= 3)

        eventually(restarted, "the projector restarted twice", serve)
        assert serve.alive()
        lines = [json.loads(x) for x in serve.log_path.read_text().splitlines()
                 if x.startswith("{")]  # fmt: skip
        stops = [x for x in lines if x.get("event") == "projection_failed"]
        assert stops and all(x["position"] == poison for x in stops)
        exits = [x for x in lines if x.get("event") == "projector_exited"]
        assert len(exits) >= 2 and exits[1]["restart_in"] > exits[0]["restart_in"]
        assert issue("AFTER-01") == 201
    finally:
        serve.stop()
    # SIGTERM stopped it within the harness's grace period (not SIGKILLed).
    assert serve.process is not None
    assert serve.process.returncode != -signal.SIGKILL, serve.log_tail(80)
