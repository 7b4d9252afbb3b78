"""Create the event store's tables (and the read models'), once, before serving."""

from __future__ import annotations

import sys
from dataclasses import replace

from domain.ledger import Ledger
from service.config import Config, ledger_env
from service.shared_state import create_shared_tables


def init_db(config: Config) -> None:
    """Create every table the service needs; safe to run again."""
    ledger = Ledger(env=ledger_env(replace(config, create_tables=True)))
    ledger.close()
    try:
        from projections.schema import create_read_models, make_engine
    except ImportError:  # read models arrive with the projections work
        return
    create_read_models(config.database_url)
    engine = make_engine(config.database_url, writer=True)
    try:
        create_shared_tables(engine)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Entry point: `python -m scripts.init_db`."""
    init_db(Config.from_env())
    print("giftledger: tables ready", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
