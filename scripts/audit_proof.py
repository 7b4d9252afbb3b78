"""`giftledger audit proof`: one merchant's events with their inclusion proofs.

`python -m scripts.audit_proof --merchant ID [--card CODE] [--since T] [--until T]
-o proof.json` writes what scripts/check_proof.py checks: the events of the
merchant's cards up to a signed checkpoint (the latest by default).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from uuid import UUID

from domain.card_codes import card_id
from projections.chain.proof import build_proof
from projections.chain.store import checkpoints
from scripts.audit_chain import opened
from scripts.audit_replay import moment


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="giftledger audit proof",
        description="Write a merchant's events with proofs against a checkpoint.",
    )
    parser.add_argument("--merchant", type=UUID, required=True)
    parser.add_argument("--card", help="one card's code (- reads it from stdin)")
    parser.add_argument("--since", type=moment, help="ISO 8601: events from then")
    parser.add_argument("--until", type=moment, help="ISO 8601: events up to then")
    parser.add_argument("--checkpoint", type=int, help="checkpoint id (default last)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Write the proof; 1 when there is no checkpoint to prove against."""
    args = parse(argv)
    code = sys.stdin.readline().strip() if args.card == "-" else args.card
    card = card_id(args.merchant, code) if code else None
    with opened() as (engine, source):
        stored = checkpoints(engine)
        if args.checkpoint is not None:
            stored = [cp for cp in stored if cp.id == args.checkpoint]
        if not stored:
            print("giftledger: no checkpoint: run `giftledger audit checkpoint`")
            return 1
        proof = build_proof(
            engine, source, stored[-1], args.merchant, card, args.since, args.until
        )
    text = json.dumps(proof, separators=(",", ":"))
    args.output.write_text(text + "\n", encoding="utf-8")
    print(
        f"{args.output}: {len(proof['events'])} events of "
        f"{len(proof['ledger_balances'])} card(s), checkpoint at position "
        f"{proof['checkpoint']['position']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
