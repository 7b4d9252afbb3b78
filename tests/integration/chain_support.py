"""Helpers for the chain tests: a chained store, raw tampering, proofs checked."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, text

from domain.ledger import Ledger
from domain.origin import Origin
from projections.chain.checkpoint import make_checkpoint
from projections.chain.follower import ChainFollower
from projections.chain.keys import generate_key, load_private, public_path
from projections.chain.proof import build_proof
from projections.chain.store import Checkpoint, checkpoints, create_chain_tables
from projections.chain.verify import ChainReport, verify_chain
from projections.engines import make_engine
from projections.events import EventSource
from scripts import check_proof

LOCATION = "40570261078018"
B_LOCATION = "40570261079999"
A_CODES = ("7741229000510001", "7741229000510002")
B_CODE = "8800776655443322"
B_AMOUNT = 987_654


def pos(key: str | None = None) -> Origin:
    return Origin(source="pos", actor="till-1", idempotency_key=key)


class Tamper:
    """Changes the stored events behind the library's back, as an intruder would."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        pg = engine.dialect.name == "postgresql"
        self.table = "giftledger_events" if pg else "stored_events"
        self.id = "notification_id" if pg else "rowid"

    def _sql(self, sql: str, **params: Any) -> Any:
        with self.engine.begin() as conn:
            return conn.execute(text(sql.format(t=self.table, id=self.id)), params)

    def state(self, position: int) -> bytes:
        row = self._sql("SELECT state FROM {t} WHERE {id} = :p", p=position).first()
        return bytes(row[0])

    def change_one_byte(self, position: int) -> None:
        """Turn the first digit of the event's amount into another digit."""
        state = bytearray(self.state(position))
        at = re.search(rb'"amount":(\d)', bytes(state)).start(1)  # type: ignore[union-attr]
        state[at] = ord("9") if state[at] != ord("9") else ord("8")
        self._sql(
            "UPDATE {t} SET state = :s WHERE {id} = :p", s=bytes(state), p=position
        )

    def delete(self, position: int) -> None:
        self._sql("DELETE FROM {t} WHERE {id} = :p", p=position)

    def swap(self, p: int, q: int) -> None:
        self._sql("UPDATE {t} SET {id} = -1 WHERE {id} = :p", p=p)
        self._sql("UPDATE {t} SET {id} = :p WHERE {id} = :q", p=p, q=q)
        self._sql("UPDATE {t} SET {id} = :q WHERE {id} = -1", q=q)

    def insert_forged(self, position: int, like: int, version: int) -> None:
        """Shift the events from `position` on by one and put a copy of event
        `like` (as a later version of its card) in the freed position."""
        self._sql("UPDATE {t} SET {id} = {id} + 1000000 WHERE {id} >= :p", p=position)
        self._sql("UPDATE {t} SET {id} = {id} - 999999 WHERE {id} >= 1000000")
        self._sql(
            "INSERT INTO {t} (originator_id, originator_version, topic, state, {id}) "
            "SELECT originator_id, :v, topic, state, :p FROM {t} WHERE {id} = :like",
            v=version, p=position, like=like + (1 if like >= position else 0),
        )  # fmt: skip

    def rechain_from(self, position: int) -> None:
        """Drop the links from `position` on (the follower then re-links them)."""
        with self.engine.begin() as conn:
            conn.execute(
                text("DELETE FROM event_chain WHERE position >= :p"), {"p": position}
            )


@dataclass
class Chained:
    """A chained, checkpointed store: merchant A with two cards, B with one."""

    ledger: Ledger
    engine: Engine
    source: EventSource
    key: Path
    merchant_a: UUID
    merchant_b: UUID
    positions: dict[str, int]  # A's events by name

    @property
    def public_key(self) -> Path:
        return public_path(self.key)

    def follow(self) -> int:
        return ChainFollower(self.engine, self.source).catch_up()

    def checkpoint(self) -> Checkpoint:
        return make_checkpoint(self.engine, self.source, load_private(self.key))

    def verify(self) -> ChainReport:
        public = load_private(self.key).public_key()
        return verify_chain(self.engine, self.source, public)

    def proof(self, merchant: UUID | None = None, **filters: Any) -> dict[str, Any]:
        checkpoint = checkpoints(self.engine)[-1]
        return build_proof(
            self.engine, self.source, checkpoint, merchant or self.merchant_a, **filters
        )

    def check(self, proof: dict[str, Any], tmp: Path) -> tuple[dict, list[str]]:
        path = tmp / "proof.json"
        path.write_text(json.dumps(proof))
        return check_proof.check(str(path), str(self.public_key))


def positions_of(source: EventSource, card: UUID) -> list[int]:
    """The notification ids of a card's events, oldest first."""
    found, after = [], 0
    while batch := source.read(after, 5000):
        found += [n.id for n in batch if n.originator_id == card]
        after = batch[-1].id
    return found


def chained_store(ledger: Ledger, database_url: str, tmp: Path) -> Chained:
    """Two merchants' history, chained and checkpointed."""
    from domain.card_codes import card_id

    a = ledger.register_merchant("Bistro", "GBP").id
    ledger.add_site(a, "Main", LOCATION)
    b = ledger.register_merchant("Cafe", "GBP").id
    ledger.add_site(b, "Harbour", B_LOCATION)
    ledger.issue_card(a, A_CODES[0], 5000, "GBP", None, pos("sale-1"))
    ledger.issue_card(b, B_CODE, B_AMOUNT, "GBP", None, pos("b-sale"))
    ledger.redeem(a, A_CODES[0], 1250, "GBP", LOCATION, None, pos("r1"))
    ledger.issue_card(a, A_CODES[1], 2000, "GBP", None, pos("sale-2"))
    ledger.redeem(b, B_CODE, 4321, "GBP", B_LOCATION, None, pos("b-r1"))
    ledger.load_card(a, A_CODES[1], 3000, "GBP", pos("load-1"))
    hold = ledger.place_hold(a, A_CODES[0], 700, "GBP", LOCATION, "A9", pos("h"))
    ledger.capture_hold(a, hold.ref, None, pos("c"))
    ledger.redeem(a, A_CODES[1], 600, "GBP", LOCATION, None, pos("r2"))
    engine = make_engine(database_url, writer=True)
    create_chain_tables(engine)
    key = tmp / "keys" / "chain.pem"
    generate_key(key)
    one = positions_of(EventSource(ledger), card_id(a, A_CODES[0]))
    two = positions_of(EventSource(ledger), card_id(a, A_CODES[1]))
    names = {
        "issue_1": one[0], "redeem_1": one[1], "hold_1": one[2], "capture_1": one[3],
        "issue_2": two[0], "load_2": two[1], "redeem_2": two[2],
    }  # fmt: skip
    store = Chained(ledger, engine, EventSource(ledger), key, a, b, names)
    store.follow()
    store.checkpoint()
    return store
