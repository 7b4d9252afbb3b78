"""Check the read models against the events: `python -m scripts.audit_verify`.

Recomputes every card's balance, every activity row and the liability from the
events (up to the position the projections reached) and compares, then says how
far behind the log the projections are and whether the projector is stopped by
an event it cannot apply. Exit status 0 only when everything matches, the
projections are at most `--max-lag` events behind and no failure is recorded;
otherwise 1, with one line per difference and a summary saying which.
"""

from __future__ import annotations

import argparse
import json
import sys

from tqdm import tqdm

from projections.engines import make_engine
from projections.events import EventSource
from projections.failure import ProjectionFailed, read_failure
from projections.schema import read_models
from projections.status import projector_lag
from projections.verify import verify
from scripts.store import require_store
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
    parser.add_argument(
        "--max-lag",
        type=int,
        default=0,
        metavar="EVENTS",
        help="events the projections may be behind the log and still be OK (default 0)",
    )
    parser.add_argument("--no-progress", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Verify; 0 when the projections equal the fold and are caught up."""
    args = parse(argv)
    config = Config.from_env()
    require_store(config)
    ledger = StoredLedger(env=ledger_env(config))
    engine = make_engine(config.database_url)
    source = EventSource(ledger)
    try:
        with tqdm(
            total=source.head(), desc="verify", unit="ev",
            disable=args.no_progress, file=sys.stderr,
        ) as bar:  # fmt: skip
            report = verify(engine, read_models(), source, progress=bar.update)
        lag = projector_lag(engine, source)
        with engine.connect() as conn:
            failure = read_failure(conn)
    except ProjectionFailed as stopped:
        print(f"NOT OK: verify stopped: {stopped.line()}")
        return 1
    finally:
        ledger.close()
        engine.dispose()
    for d in report.differences:
        if args.json:
            print(json.dumps(d.__dict__, default=str))
        else:
            print(f"DIFFERENCE {d}")
    behind = lag.events_behind > args.max_lag
    ok = report.ok and not behind and failure is None
    verdict = "OK" if ok else ("MISMATCH" if not report.ok else "NOT OK")
    summary = (
        f"{verdict}: {report.events} card events, "
        f"{report.cards} cards, up to position {report.position}; "
        f"{len(report.differences)} difference(s); projections "
        f"{lag.events_behind} event(s) behind the log (head {lag.head}, "
        f"{lag.seconds_behind:.1f}s)"
    )
    if failure is not None:
        summary += (
            f"; the projector is stopped at position {failure['position']} "
            f"({failure['event']}): {failure['error']}"
        )
    if args.json:
        print(json.dumps({
            "ok": ok, "summary": summary, "lag": lag.as_dict(), "failure": failure,
        }))  # fmt: skip
    else:
        print(summary)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
