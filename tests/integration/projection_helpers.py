"""Helpers for the projection tests: run the projector, dump tables, seed fast."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from domain.card_codes import card_id
from domain.giftcard import GiftCard
from domain.ledger import Ledger
from domain.origin import Origin
from projections.engines import make_engine
from projections.events import EventSource
from projections.runner import Projector
from projections.schema import create_tables, read_models


def engine_for(database_url: str) -> Engine:
    """A writer engine on the test database, read-model tables created."""
    engine = make_engine(database_url, writer=True)
    create_tables(engine)
    return engine


def catch_up(engine: Engine, ledger: Ledger, batch_size: int = 5000) -> int:
    """Apply every recorded event; returns the position reached."""
    return Projector(engine, EventSource(ledger), batch_size=batch_size).catch_up()


def dump(engine: Engine, suffix: str = "") -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model table's rows, ordered by primary key (for equality)."""
    models = read_models(suffix)
    tables = {}
    with engine.connect() as conn:
        for table in models.rebuilt:
            order = list(table.primary_key.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            tables[table.name.removesuffix(suffix)] = [tuple(r) for r in rows]
    return tables


def card_rows(engine: Engine) -> dict[str, dict[str, Any]]:
    """card_balances by card id."""
    table = read_models().card_balances
    with engine.connect() as conn:
        return {r["card_id"]: dict(r) for r in conn.execute(select(table)).mappings()}


def seed_loads(
    ledger: Ledger, merchant_id: UUID, cards: int, loads: int, prefix: str = "SEED"
) -> int:
    """Issue `cards` cards and write `loads` loads on each in one save per card.

    Far faster than one command per event; returns the number of card events.
    """
    origin = Origin(source="system", actor="seed").as_event()
    now = ledger.clock()
    for n in range(cards):
        code = f"{prefix}{n:08d}"
        ledger.issue_card(merchant_id, code, 100, "GBP", None, Origin(source="system"))
        card = ledger.repository.get(card_id(merchant_id, code))
        assert isinstance(card, GiftCard)
        for i in range(loads):
            card.load(f"load-{i}", 1 + i % 7, now, origin)
        ledger.save(card)
    return cards * (loads + 1)
