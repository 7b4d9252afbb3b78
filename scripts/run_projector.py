"""The projector: `python -m scripts.run_projector` (`giftledger projections run`).

Follows the ledger's events (PostgreSQL: LISTEN/NOTIFY subscription; SQLite: polling)
and applies them to the read models in batches. SIGTERM or SIGINT stops it after the
batch in hand; started again, it resumes at the position recorded with the rows.
An event it cannot apply stops it with status 1, recorded in projection_status
(position, event, error) for /readyz, /metrics and `audit verify`.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from sqlalchemy import Engine

from projections.cards import UnknownCardEvent
from projections.engines import make_engine
from projections.events import EventSource
from projections.failure import ProjectionFailed, record_failure
from projections.runner import BATCH_SIZE, SQLITE_BATCH_SIZE, Projector
from projections.schema import create_tables
from projections.transient import TRANSIENT
from service.config import Config, ledger_env
from service.http.logs import configure_logging
from service.store.ledger import StoredLedger

log = logging.getLogger("giftledger.projector")


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="giftledger projections run",
        description="Apply new ledger events to the read models until stopped.",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="most events in one transaction "
        f"(default {BATCH_SIZE}; {SQLITE_BATCH_SIZE} on SQLite)",
    )
    parser.add_argument(
        "--poll-interval",
        type=float,
        default=0.2,
        help="seconds between polls on SQLite",
    )
    parser.add_argument(
        "--once", action="store_true", help="catch up with the log, then exit"
    )
    return parser.parse_args(argv)


def wait_for_database(engine: Engine, stop: threading.Event) -> bool:
    """Create the read-model tables, waiting out a database that is not up yet."""
    delay = 0.5
    while not stop.is_set():
        try:
            create_tables(engine)
            return True
        except TRANSIENT as error:
            log.warning("projector: database unavailable (%s)", type(error).__name__)
            stop.wait(delay)
            delay = min(delay * 2, 10.0)
    return False


def main(argv: list[str] | None = None) -> int:
    """Run the projector; exit status 0 after a clean stop."""
    args = parse(argv)
    configure_logging()  # JSON lines on stderr, like the web workers
    config = Config.from_env()
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("projector: signal %d, stopping after the current batch", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    ledger = StoredLedger(env=ledger_env(config))
    engine = make_engine(config.database_url, writer=True)
    try:
        if not wait_for_database(engine, stop):
            return 0
        projector = Projector(engine, EventSource(ledger), batch_size=args.batch_size)
        if args.once:
            position = projector.catch_up()
            log.info("projector: caught up at position %d", position)
        else:
            projector.run(stop, poll_interval=args.poll_interval)
            log.info("projector: stopped at position %d", projector.position)
    except ProjectionFailed as failure:
        if args.once:  # `run` records its own failure before it stops
            record_failure(engine, failure)
        if isinstance(failure.__cause__, UnknownCardEvent):
            log.error("projector: upgrade the projector before going on")
        return 1
    except Exception:
        log.exception("projector: stopped by an unexpected error")
        return 1
    finally:
        ledger.close()
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
