"""The production gunicorn command line and what its hooks do in a worker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scripts.serve import gunicorn_command

ROOT = Path(__file__).resolve().parents[2]

# A worker's life in a fresh interpreter: build the app, run the hook gunicorn
# runs once the app is loaded, then count what a full collection would walk.
WORKER = """
import gc, sys
from service.app import create_app
from service.gunicorn_hooks import post_worker_init
create_app()
before = sum(len(gc.get_objects(g)) for g in range(3))
post_worker_init(None)
after = sum(len(gc.get_objects(g)) for g in range(3))
print(before, after, gc.get_freeze_count())
"""


def test_the_command_line_loads_the_worker_hooks():
    argv = gunicorn_command("127.0.0.1", 8000, 2, 4)
    assert argv[argv.index("--config") + 1] == "python:service.gunicorn_hooks"
    assert argv[-1] == "service.app:create_app()"


def test_a_worker_freezes_what_it_loaded_so_full_collections_skip_it(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'giftledger.db'}", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", WORKER], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    before, after, frozen = map(int, done.stdout.split())
    assert before > 20_000, "create_app loads tens of thousands of objects"
    assert frozen >= before * 0.9
    assert after < before * 0.05, "a full collection walks almost nothing now"
