"""The `giftledger` command as a new user meets it: a missing store, empty CSV, help.

The real console script runs in a subprocess from a folder with no store, so what
is checked is what a shell shows: the exit status, stderr, and the files left.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from domain.origin import Origin
from scripts import audit_replay

GIFTLEDGER = str(Path(sys.executable).parent / "giftledger")
MERCHANT = "3d77aeac-78b9-4aae-bb13-cff5ee8e3fe3"
COMMANDS = [
    ["audit", "replay", "--merchant", MERCHANT, "--format", "csv"],
    ["audit", "verify", "--no-progress"],
    ["projections", "rebuild", "--no-progress"],
    ["merchants", "create", "--name", "Bistro", "--currency", "GBP"],
    ["credentials", "list", "--merchant", MERCHANT],
    ["serve", "--port", "1"],
]


def giftledger(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [GIFTLEDGER, *args], cwd=cwd, env={**environ, **env},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_command_without_a_store_says_so_in_one_line_and_creates_nothing(
    tmp_path, args
):
    done = giftledger(tmp_path, *args)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "no event store at var/giftledger.db" in lines[0]
    assert "giftledger init-db" in lines[0]
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == [], "nothing is created where it ran"


def test_a_sqlite_file_without_tables_is_named_and_left_as_it_was(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    done = giftledger(tmp_path, "audit", "verify", DATABASE_URL="sqlite:///empty.db")
    assert done.returncode == 1
    assert "empty.db" in done.stderr and "has no event tables" in done.stderr
    assert "Traceback" not in done.stderr
    assert empty.read_bytes() == b""


@pytest.mark.postgres
def test_a_postgres_database_without_tables_is_named(postgres_server_url, tmp_path):
    from tests.conftest import reset_postgres

    reset_postgres(postgres_server_url)
    done = giftledger(tmp_path, "audit", "verify", DATABASE_URL=postgres_server_url)
    assert done.returncode == 1
    assert "has no event tables" in done.stderr and "Traceback" not in done.stderr


def test_after_init_db_the_same_command_runs(tmp_path):
    assert giftledger(tmp_path, "init-db").returncode == 0
    done = giftledger(tmp_path, *COMMANDS[0])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("position,card_id,merchant_id,version,")


def test_audit_replay_has_click_help_like_every_other_command(tmp_path):
    done = giftledger(tmp_path, "audit", "replay", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("Usage: giftledger audit replay [OPTIONS]")
    assert "--merchant UUID" in done.stdout and "[table|jsonl|csv]" in done.stdout
    bad = giftledger(tmp_path, "audit", "replay", "--merchant", "nope")
    assert bad.returncode == 2 and "'nope' is not a valid UUID" in bad.stderr
    moment = giftledger(tmp_path, "audit", "replay", "--merchant", MERCHANT,
                        "--as-of", "yesterday")  # fmt: skip
    assert moment.returncode == 2 and "is not an ISO 8601 moment" in moment.stderr
    assert list(tmp_path.iterdir()) == [], "a usage error opens no store"


CODE = "7741229000510001"


@pytest.fixture
def one_card(ledger, monkeypatch, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    bistro = ledger.register_merchant("Bistro", "GBP")
    ledger.issue_card(bistro.id, CODE, 5000, "GBP", None, Origin(source="admin"))
    return bistro.id


def csv_of(*argv: str) -> tuple[int, list[str], list[dict[str, str]]]:
    out = io.StringIO()
    status = audit_replay.main(list(argv), out=out)
    text = out.getvalue()
    header = text.splitlines()[0].split(",") if text else []
    return status, header, list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("card", [True, False], ids=["card", "merchant"])
def test_csv_before_the_first_event_is_still_a_header(one_card, card):
    scope = ["--code", CODE] if card else []
    early = ["--as-of", "2000-01-01T00:00:00Z"]
    status, header, rows = csv_of("--merchant", str(one_card), *scope, *early,
                                  "--format", "csv")  # fmt: skip
    assert status == 0 and rows == []
    assert header[0] == ("card_id" if card else "position")
    assert {"balance_after", "delta", "recorded_at"} <= set(header)
    # The same header as a replay that has rows.
    _, full, rows = csv_of("--merchant", str(one_card), *scope, "--format", "csv")
    assert full == header and [r["balance_after"] for r in rows] == ["5000"]
