"""The README's walk-throughs, pasted into bash against the service `make run` starts.

Every fenced `sh` block of README.md runs, top to bottom, in one bash (so a block
sees the variables of the blocks before it, as in one terminal), from the clone's
folder, against `giftledger init-db` + `giftledger serve --with-projector` (gunicorn
and the projector) on a fresh SQLite file. Only the blocks that are nothing but
`make` targets are left out: starting the service is what this test does itself.
`curl` fails on any HTTP error and the shell stops at the first failing command, so
every call of the README must succeed; then the outputs that matter are checked.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess

import pytest

from tests.bench.harness import ROOT, Server, free_port

README = ROOT / "README.md"
GIFTLEDGER = ROOT / ".venv" / "bin" / "giftledger"
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)
MARK = "### README block"
# Any 4xx/5xx answer fails the command (and so the walk-through), with its body.
PRELUDE = """set -euo pipefail
curl() { command curl --fail-with-body "$@"; }
"""


def walkthrough_blocks(text: str) -> list[str]:
    """The `sh` blocks to run: all but those that only run make targets."""
    blocks = []
    for block in BLOCK.findall(text):
        commands = [
            line for line in block.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]  # fmt: skip
        if commands and all(re.match(r"^(\w+=\S+ )*make ", c) for c in commands):
            continue
        blocks.append(block)
    return blocks


def require_tools() -> None:
    for tool, package in (("jq", "jq"), ("curl", "curl"), ("bash", "bash")):
        if shutil.which(tool) is None:
            pytest.fail(
                f"{tool} is not installed: the README's walk-throughs need it "
                f"(apt-get install {package}; .ci/run installs it)"
            )
    if not GIFTLEDGER.exists():
        pytest.fail(f"{GIFTLEDGER} is missing: run `make install` in {ROOT}")


@pytest.fixture
def running_service(tmp_path):
    """`make run`'s two steps on a fresh SQLite store, on a free port."""
    require_tools()
    port = free_port()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/giftledger.db",
        "PORT": str(port),
        "WORKERS": "2",
        "GIFTLEDGER_ADMIN_TOKEN": "dev-admin-token",
        # The tamper-evidence block makes a signing key: keep it out of the clone.
        "GIFTLEDGER_CHAIN_KEY": f"{tmp_path}/chain-key.pem",
    }
    init = subprocess.run(
        [GIFTLEDGER, "init-db"], cwd=ROOT, env={**os.environ, **env},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    server = Server("make-run", [str(GIFTLEDGER), "serve", "--with-projector"],
                    env, tmp_path).start()  # fmt: skip
    try:
        server.wait_http(f"http://127.0.0.1:{port}/readyz")
        yield env, server
    finally:
        server.stop()


def run_blocks(blocks: list[str], env: dict[str, str]) -> list[str]:
    script = PRELUDE + "".join(
        f"echo '{MARK} {n}'\n{block}\n" for n, block in enumerate(blocks)
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GIFTLEDGER")}
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env={**environ, **env},
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, (
        f"the README walk-through failed (exit {done.returncode})\n"
        f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
    )
    parts = done.stdout.split(MARK)[1:]
    return [part.split("\n", 1)[1] if "\n" in part else "" for part in parts]


def test_the_readme_walkthroughs_run_top_to_bottom(running_service):
    env, server = running_service
    text = README.read_text()
    assert "../shared" not in text
    blocks = walkthrough_blocks(text)
    assert len(blocks) >= 3, "the API, Lightspeed and operator walk-throughs"
    before = set(os.listdir(ROOT))
    outputs = run_blocks(blocks, env)
    assert len(outputs) == len(blocks)
    # Each walk-through is found by what it runs: other sections' blocks (the
    # dashboard's, tamper evidence) stand between them.
    ran = list(zip(blocks, outputs, strict=True))
    api = next(out for block, out in ran if "$BASE/v1/pos/redemptions " in block)
    lightspeed = next(
        out for block, out in ran if "POST $BASE/v1/webhooks/lightspeed" in block
    )
    operators = next(
        out for block, out in ran
        if "audit verify " in block or "audit verify\n" in block
    )  # fmt: skip

    # The HTTP API: the activity read after the refund has the refund in it.
    api_lines = api.strip().splitlines()
    assert api_lines[-7:] == [
        "issued 5000 5000",
        "hold_placed 0 5000",
        "hold_captured -1500 3500",
        "hold_released 0 3500",
        "redeemed -500 3000",
        "redemption_refunded 200 3200",
        "3200",  # the card ends at 32.00
    ], api

    # Lightspeed: the sample sale and payment apply; nothing waits for a person.
    assert '{"kind":"sale","result":"applied","masked_code":"****0001"}' in lightspeed
    assert '{"kind":"payment","result":"applied","masked_code":"****0001"}' in (
        lightspeed
    )
    ls_lines = lightspeed.strip().splitlines()
    assert ls_lines[-2] == "3000", lightspeed  # 50.00 sold, 20.00 paid
    assert '"items":[]' in ls_lines[-1].replace(" ", "")

    # Operators: verify matches, the replay shows the card, the CSV has its header.
    assert "OK:" in operators and "0 difference(s)" in operators
    assert "****0001  GBP  balance 30.00" in operators
    csv_text = operators[operators.index("position,card_id,") :]
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [r["type"] for r in rows if r["masked_code"] == "****0001"] == [
        "issued",
        "redeemed",
    ]
    last = {r["masked_code"]: int(r["balance_after"]) for r in rows}
    assert last["****0001"] == 3000 and sorted(last.values()) == [3000, 3200]

    # Nothing of the walk-through (a secret in webhook.json, say) is left behind.
    assert set(os.listdir(ROOT)) == before
    assert server.alive(), server.log_tail()
