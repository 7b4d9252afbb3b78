"""`giftledger audit keygen | checkpoint | verify-chain`: the chain's signed heads.

`python -m scripts.audit_chain verify-chain` recomputes every link from the stored
events and checks each signed checkpoint: exit 0 only when all match, otherwise 1
and the first position where history differs, with its kind.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from tqdm import tqdm

from projections.chain.checkpoint import ChainBroken, make_checkpoint
from projections.chain.keys import generate_key, load_private, load_public, public_path
from projections.chain.store import create_chain_tables
from projections.chain.verify import ChainReport, verify_chain
from projections.engines import make_engine
from projections.events import EventSource
from service.config import Config, chain_key_path, ledger_env
from service.store.ledger import StoredLedger


@contextmanager
def opened() -> Iterator[tuple[Engine, EventSource]]:
    """The chain's engine and the ledger's log, on DATABASE_URL."""
    config = Config.from_env()
    ledger = StoredLedger(env=ledger_env(config))
    engine = make_engine(config.database_url, writer=True)
    try:
        create_chain_tables(engine)
        yield engine, EventSource(ledger)
    finally:
        ledger.close()
        engine.dispose()


def print_report(report: ChainReport, seconds: float) -> int:
    """One line per difference, then a summary; the exit status."""
    found = [report.first] if report.first else []
    for difference in found + report.checkpoint_failures:
        print(f"DIFFERENCE {difference}")
    rate = report.events / seconds if seconds > 0 else 0.0
    print(
        f"{'OK' if report.ok else 'MISMATCH'}: {report.events} events, "
        f"{report.chained} chained, {report.unchained} not chained yet, "
        f"{report.checkpoints_ok} checkpoint(s) verified; {rate:,.0f} events/s"
    )
    return 0 if report.ok else 1


def verify_command(args: argparse.Namespace) -> int:
    """Recompute and compare the whole chain."""
    key = Path(args.public_key) if args.public_key else public_path(chain_key_path())
    public = load_public(key) if key.exists() else None
    with opened() as (engine, source):
        started = time.perf_counter()
        with tqdm(
            total=source.head(), desc="verify-chain", unit="ev",
            disable=args.no_progress, file=sys.stderr,
        ) as bar:  # fmt: skip
            report = verify_chain(engine, source, public, progress=bar.update)
        status = print_report(report, time.perf_counter() - started)
    if public is None and report.checkpoint_failures:
        print(f"no public key at {key}: pass --public-key", file=sys.stderr)
    return status


def checkpoint_command(args: argparse.Namespace) -> int:
    """Chain what is new, verify, sign the head and store the checkpoint."""
    path = chain_key_path()
    if not path.exists():
        print(f"giftledger: no signing key at {path}: run `giftledger audit keygen`")
        return 1
    key = load_private(path)
    with opened() as (engine, source):
        try:
            cp = make_checkpoint(engine, source, key)
        except ChainBroken as broken:
            print_report(broken.report, 0)
            print("nothing signed: the chain does not match the events")
            return 1
    print(
        f"checkpoint {cp.id}: position {cp.position}, link {cp.link}, "
        f"tree {cp.tree_size} leaves, root {cp.root}, signed {cp.signed_at}"
    )
    return 0


def keygen_command(args: argparse.Namespace) -> int:
    """Make the Ed25519 signing key at GIFTLEDGER_CHAIN_KEY."""
    try:
        private, public = generate_key(chain_key_path())
    except FileExistsError as error:
        print(f"giftledger: {error}", file=sys.stderr)
        return 1
    print(f"private key {private} (keep it secret), public key {public} (give it out)")
    return 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="giftledger audit")
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify-chain", help="recompute and compare the chain")
    verify.add_argument("--public-key", help="PEM; default GIFTLEDGER_CHAIN_KEY.pub")
    verify.add_argument("--no-progress", action="store_true")
    verify.set_defaults(run=verify_command)
    sub.add_parser("checkpoint", help="sign the chain head").set_defaults(
        run=checkpoint_command
    )
    sub.add_parser("keygen", help="make the signing key").set_defaults(
        run=keygen_command
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point: `python -m scripts.audit_chain verify-chain|checkpoint|keygen`."""
    args = parse(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
