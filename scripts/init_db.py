"""Create the event store's tables (and the read models'), once, before serving."""

from __future__ import annotations

import sys
from dataclasses import replace

from service.config import Config, ledger_env
from service.store.ledger import StoredLedger


def init_db(config: Config) -> None:
    """Create every table the service needs; safe to run again."""
    ledger = StoredLedger(env=ledger_env(replace(config, create_tables=True)))
    ledger.close()
    try:
        from projections.schema import create_read_models
    except ImportError:  # read models arrive with the projections work
        return
    create_read_models(config.database_url)


def main(argv: list[str] | None = None) -> int:
    """Entry point: `python -m scripts.init_db`."""
    init_db(Config.from_env())
    print("giftledger: tables ready", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
