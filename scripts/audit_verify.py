"""Check the read models against the events: `python -m scripts.audit_verify`.

Recomputes every card's balance, every activity row and the liability from the
events (up to the position the projections reached) and compares. Exit status 0
only when everything matches; otherwise 1, with one line per difference.
"""

from __future__ import annotations

import argparse
import json
import sys

from tqdm import tqdm

from projections.events import EventSource
from projections.schema import make_engine, read_models
from projections.verify import verify
from service.config import Config, ledger_env
from service.store.ledger import StoredLedger


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="giftledger audit verify",
        description="Compare the projections with a fold of the events.",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per difference, then a summary",
    )
    parser.add_argument("--no-progress", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Verify; 0 when the projections equal the fold of the events."""
    args = parse(argv)
    config = Config.from_env()
    ledger = StoredLedger(env=ledger_env(config))
    engine = make_engine(config.database_url)
    source = EventSource(ledger)
    try:
        with tqdm(
            total=source.head(), desc="verify", unit="ev",
            disable=args.no_progress, file=sys.stderr,
        ) as bar:  # fmt: skip
            report = verify(engine, read_models(), source, progress=bar.update)
    finally:
        ledger.close()
        engine.dispose()
    for d in report.differences:
        if args.json:
            print(json.dumps(d.__dict__, default=str))
        else:
            print(f"DIFFERENCE {d}")
    summary = (
        f"{'OK' if report.ok else 'MISMATCH'}: {report.events} card events, "
        f"{report.cards} cards, up to position {report.position}; "
        f"{len(report.differences)} difference(s)"
    )
    if args.json:
        print(json.dumps({"ok": report.ok, "summary": summary}))
    else:
        print(summary)
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
