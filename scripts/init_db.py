"""Create the event store's tables (and the read models'), once, before serving."""

from __future__ import annotations

import sys
from dataclasses import replace

from service.config import Config, ledger_env
from service.store.ledger import StoredLedger
from service.store.shared_state import create_shared_tables


def init_db(config: Config) -> None:
    """Create every table the service needs; safe to run again."""
    ledger = StoredLedger(env=ledger_env(replace(config, create_tables=True)))
    ledger.close()
    try:
        from projections.engines import make_engine
        from projections.schema import create_read_models
    except ImportError:  # read models arrive with the projections work
        return
    create_read_models(config.database_url)
    engine = make_engine(config.database_url, writer=True)
    try:
        create_shared_tables(engine)
    finally:
        engine.dispose()
    chain_existing_events(config)


def chain_existing_events(config: Config) -> int:
    """Link every event not chained yet, from event 1 (a progress bar on stderr)."""
    from tqdm import tqdm

    from projections.chain.follower import ChainFollower
    from projections.chain.store import create_chain_tables
    from projections.engines import make_engine
    from projections.events import EventSource

    ledger = StoredLedger(env=ledger_env(config))
    engine = make_engine(config.database_url, writer=True)
    try:
        create_chain_tables(engine)
        source = EventSource(ledger)
        follower = ChainFollower(engine, source)
        with tqdm(
            total=source.head(), desc="chain", unit="ev", file=sys.stderr,
            disable=None,  # no bar when stderr is not a terminal
        ) as bar:  # fmt: skip
            return follower.catch_up(progress=bar.update)
    finally:
        ledger.close()
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Entry point: `python -m scripts.init_db`."""
    init_db(Config.from_env())
    print("giftledger: tables ready", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
