"""Rebuild the read models from event 1: `python -m scripts.rebuild_projections`.

Builds fresh tables beside the live ones (readers keep the old ones meanwhile),
verifies them against a fold of the events, and only then swaps them in, in one
transaction. Exit status 0 when swapped; 1 on any difference (nothing swapped).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from tqdm import tqdm

from projections.engines import make_engine
from projections.events import EventSource
from projections.failure import ProjectionFailed
from projections.rebuild import rebuild
from scripts.store import require_store
from service.config import Config, ledger_env
from service.store.ledger import StoredLedger


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="giftledger projections rebuild",
        description="Rebuild every read model from event 1, verify, swap in.",
    )
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (logs, CI)")  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Rebuild, verify, swap; print a summary and every difference."""
    args = parse(argv)
    config = Config.from_env()
    require_store(config)
    ledger = StoredLedger(env=ledger_env(config))
    engine = make_engine(config.database_url, writer=True)
    source = EventSource(ledger)
    try:
        head = source.head()
        bars: list[tuple[str, tqdm[None]]] = []

        def stage(name: str) -> Callable[[int], None]:
            def advance(n: int) -> None:
                if not bars or bars[-1][0] != name:
                    for _, done in bars:
                        done.close()
                    bar = tqdm(total=head, desc=name, unit="ev", file=sys.stderr,
                               disable=args.no_progress)  # fmt: skip
                    bars.append((name, bar))
                bars[-1][1].update(n)

            return advance

        try:
            result = rebuild(
                engine,
                source,
                progress=stage("rebuild"),
                verify_progress=stage("verify"),
                batch_size=args.batch_size,
            )
        except ProjectionFailed as failure:
            print(f"NOT rebuilt: {failure.line()}; nothing swapped", file=sys.stderr)
            return 1
        finally:
            for _, bar in bars:
                bar.close()
        rate = result.events / result.seconds if result.seconds else 0.0
        print(
            f"rebuilt {result.events} events up to position {result.position} in "
            f"{result.seconds:.1f}s ({rate:,.0f} events/s); "
            f"{result.report.cards} cards, {result.report.events} card events"
        )
        for difference in result.report.differences:
            print(f"DIFFERENCE {difference}")
        if not result.swapped:
            print(f"NOT swapped: {len(result.report.differences)} difference(s)")
            return 1
        print("verified against the events and swapped in")
        return 0
    finally:
        ledger.close()
        engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
