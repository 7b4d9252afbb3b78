"""The chain's own tables: one link per stored event, and signed checkpoints."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)

METADATA = MetaData()
# One row per stored event, by notification id. The identity columns let
# verify-chain tell a changed event from a moved (reordered) one.
EVENT_CHAIN = Table(
    "event_chain", METADATA,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("originator_id", String(36), nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("link", String(64), nullable=False),
)  # fmt: skip
CHECKPOINTS = Table(
    "chain_checkpoints", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("position", BigInteger, nullable=False),
    Column("link", String(64), nullable=False),
    Column("tree_size", BigInteger, nullable=False),
    Column("root", String(64), nullable=False),
    Column("signed_at", Text, nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
)  # fmt: skip
READ_CHUNK = 20_000


class ChainRow(NamedTuple):
    """One stored link."""

    position: int
    originator_id: str
    version: int
    link: str


@dataclass(frozen=True)
class Checkpoint:
    """A signed chain head (the tree is over the links of positions <= position)."""

    position: int
    link: str
    tree_size: int
    root: str
    signed_at: str
    key_id: str
    signature: str
    id: int | None = None


def create_chain_tables(engine: Engine) -> None:
    """Create event_chain and chain_checkpoints if missing."""
    with engine.begin() as conn:
        METADATA.create_all(conn)


def chain_head(conn: Connection) -> tuple[int, bytes]:
    """The last chained position and its link (0 and the genesis when empty)."""
    row = conn.execute(
        select(EVENT_CHAIN.c.position, EVENT_CHAIN.c.link)
        .order_by(EVENT_CHAIN.c.position.desc())
        .limit(1)
    ).first()
    if row is None:
        return 0, bytes(32)
    return int(row.position), bytes.fromhex(row.link)


def append_links(conn: Connection, rows: Sequence[ChainRow]) -> None:
    """Insert links (the primary key refuses a position chained twice)."""
    if rows:
        conn.execute(insert(EVENT_CHAIN), [r._asdict() for r in rows])


def iter_chain(engine: Engine, upto: int | None = None) -> Iterator[ChainRow]:
    """Every stored link in position order, read in chunks."""
    after = 0
    while True:
        query = select(*EVENT_CHAIN.c).where(EVENT_CHAIN.c.position > after)
        if upto is not None:
            query = query.where(EVENT_CHAIN.c.position <= upto)
        with engine.connect() as conn:
            chunk = conn.execute(
                query.order_by(EVENT_CHAIN.c.position).limit(READ_CHUNK)
            ).all()
        if not chunk:
            return
        yield from (ChainRow(*r) for r in chunk)
        after = int(chunk[-1][0])


def find_link(engine: Engine, originator_id: str, version: int) -> int | None:
    """The position the chain recorded an event at (None if never chained)."""
    with engine.connect() as conn:
        found = conn.execute(
            select(EVENT_CHAIN.c.position).where(
                EVENT_CHAIN.c.originator_id == originator_id,
                EVENT_CHAIN.c.version == version,
            )
        ).first()
    return None if found is None else int(found.position)


def save_checkpoint(engine: Engine, checkpoint: Checkpoint) -> int:
    """Store a checkpoint; returns its id."""
    values = {k: v for k, v in checkpoint.__dict__.items() if k != "id"}
    with engine.begin() as conn:
        result = conn.execute(insert(CHECKPOINTS).values(**values))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def checkpoints(engine: Engine) -> list[Checkpoint]:
    """Every stored checkpoint, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(CHECKPOINTS).order_by(CHECKPOINTS.c.id)).mappings()
        return [Checkpoint(**dict(r)) for r in rows]
