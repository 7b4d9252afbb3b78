"""The chain follower: `python -m scripts.chain_follow` (`audit chain-follow`).

Appends a link to event_chain for every stored event, in log order, polling the
notification log every quarter second (one transaction per poll). Its
own process, depending on no read model.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from projections.chain.follower import POLL_SECONDS, ChainFollower
from projections.chain.store import create_chain_tables
from projections.engines import make_engine
from projections.events import EventSource
from projections.transient import TRANSIENT
from service.config import Config, ledger_env
from service.http.logs import configure_logging
from service.store.ledger import StoredLedger

log = logging.getLogger("giftledger.chain")


def main(argv: list[str] | None = None) -> int:
    """Follow the log until SIGTERM; exit 0 after a clean stop."""
    parser = argparse.ArgumentParser(prog="giftledger audit chain-follow")
    parser.add_argument("--once", action="store_true", help="catch up, then exit")
    parser.add_argument("--poll-interval", type=float, default=POLL_SECONDS)
    args = parser.parse_args(argv)
    configure_logging()
    config = Config.from_env()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    ledger = StoredLedger(env=ledger_env(config))
    engine = make_engine(config.database_url, writer=True)
    try:
        delay = 0.5
        while not stop.is_set():
            try:
                create_chain_tables(engine)
                break
            except TRANSIENT:
                stop.wait(delay)
                delay = min(delay * 2, 10.0)
        follower = ChainFollower(engine, EventSource(ledger))
        if args.once:
            log.info("chain: caught up at position %d", follower.catch_up())
        else:
            follower.run(stop, poll_interval=args.poll_interval)
            log.info("chain: stopped at position %d", follower.position)
    except Exception:
        log.exception("chain: stopped by an unexpected error")
        return 1
    finally:
        ledger.close()
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
