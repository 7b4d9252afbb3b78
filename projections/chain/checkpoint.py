"""Make a signed checkpoint: chain what is new, verify it all, sign the head."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine

from projections.chain.follower import ChainFollower
from projections.chain.keys import sign
from projections.chain.store import Checkpoint, save_checkpoint
from projections.chain.verify import ChainReport, verify_chain
from projections.events import EventSource


class ChainBroken(Exception):
    """The chain does not match the events: nothing is signed."""

    def __init__(self, report: ChainReport) -> None:
        super().__init__("the chain does not match the stored events")
        self.report = report


def make_checkpoint(
    engine: Engine,
    source: EventSource,
    key: Ed25519PrivateKey,
    now: datetime | None = None,
) -> Checkpoint:
    """Sign and store the verified chain head; raises ChainBroken on any difference."""
    ChainFollower(engine, source).catch_up()
    # Signing vouches for everything before the head: check it from event 1 first.
    report = verify_chain(engine, source, key.public_key())
    if not report.ok:
        raise ChainBroken(report)
    position, link, size, root = report.head
    if position == 0:
        raise ValueError("the store holds no events yet: nothing to sign")
    signed_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat()
    checkpoint = sign(key, position, link, size, root, signed_at)
    ident = save_checkpoint(engine, checkpoint)
    return Checkpoint(**{**checkpoint.__dict__, "id": ident})
