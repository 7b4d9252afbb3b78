"""The read-model tables (SQLAlchemy Core), in the same database as the events."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from projections.engines import make_engine
from projections.failure import status_table

LIVE = ""
REBUILD = "__rebuild"


@dataclass(frozen=True)
class ReadModels:
    """One generation of the read-model tables (live, or being rebuilt)."""

    metadata: MetaData
    card_balances: Table
    card_activity: Table
    liability: Table
    receipt_exceptions: Table
    receipt_exception_logs: Table

    @property
    def rebuilt(self) -> tuple[Table, ...]:
        """The tables a rebuild writes afresh and swaps in."""
        return (
            self.card_balances,
            self.card_activity,
            self.liability,
            self.receipt_exceptions,
            self.receipt_exception_logs,
        )


def read_models(suffix: str = LIVE) -> ReadModels:
    """The tables named with `suffix` ("" for the live ones)."""
    md = MetaData()
    balances = Table(
        f"card_balances{suffix}", md,
        Column("card_id", String(36), nullable=False),
        Column("merchant_id", String(36), nullable=False),
        Column("masked_code", Text, nullable=False),
        Column("currency", String(3), nullable=False),
        # The site that sold the card: its money counts towards that site's liability.
        Column("site_id", Text),
        Column("balance", BigInteger, nullable=False),
        Column("held", BigInteger, nullable=False),
        Column("available", BigInteger, nullable=False),
        Column("state", Text, nullable=False),
        Column("expires_at", DateTime),
        Column("issued_at", DateTime, nullable=False),
        Column("version", BigInteger, nullable=False),
        Column("last_position", BigInteger, nullable=False),
        PrimaryKeyConstraint("card_id", name=f"pk_card_balances{suffix}"),
        Index(f"ix_card_balances{suffix}_merchant", "merchant_id"),
    )  # fmt: skip
    activity = Table(
        f"card_activity{suffix}", md,
        Column("position", BigInteger, nullable=False, autoincrement=False),
        Column("card_id", String(36), nullable=False),
        Column("merchant_id", String(36), nullable=False),
        Column("version", BigInteger, nullable=False),
        Column("masked_code", Text, nullable=False),
        Column("type", Text, nullable=False),
        Column("amount", BigInteger),
        Column("delta", BigInteger, nullable=False),
        Column("balance_after", BigInteger, nullable=False),
        Column("held_after", BigInteger, nullable=False),
        Column("available_after", BigInteger, nullable=False),
        Column("currency", String(3), nullable=False),
        Column("state_after", Text, nullable=False),
        Column("source", Text),
        Column("actor", Text),
        Column("site_id", Text),
        Column("reference", Text),
        Column("original_reference", Text),
        Column("reason", Text),
        Column("note", Text),
        Column("idempotency_key", Text),
        Column("receipt_id", Text),
        Column("occurred_at", Text),
        Column("recorded_at", DateTime, nullable=False),
        PrimaryKeyConstraint("position", name=f"pk_card_activity{suffix}"),
        Index(f"ix_card_activity{suffix}_card", "card_id", "position"),
        Index(f"ix_card_activity{suffix}_merchant", "merchant_id", "recorded_at"),
    )  # fmt: skip
    liability = Table(
        f"liability{suffix}", md,
        Column("merchant_id", String(36), nullable=False),
        # "" stands for "no site" (cards issued by admin): keys cannot be NULL.
        Column("site_id", Text, nullable=False),
        Column("currency", String(3), nullable=False),
        Column("outstanding", BigInteger, nullable=False),
        PrimaryKeyConstraint(
            "merchant_id", "site_id", "currency", name=f"pk_liability{suffix}"
        ),
    )  # fmt: skip
    exceptions = Table(
        f"receipt_exceptions{suffix}", md,
        Column("exception_id", Text, nullable=False),
        Column("merchant_id", String(36), nullable=False),
        Column("position", BigInteger, nullable=False),
        Column("receipt_id", Text),
        Column("business_location_id", Text),
        Column("account_id", Text),
        Column("site_id", Text),
        Column("line_id", Text),
        Column("kind", Text),
        Column("code", Text),
        Column("detail", Text),
        Column("masked_code", Text),
        Column("amount", BigInteger),
        Column("currency", String(3)),
        Column("status", Text, nullable=False),
        Column("created_at", Text),
        Column("resolved_at", Text),
        Column("resolved_by", Text),
        Column("resolution_note", Text),
        Column("recorded_at", DateTime, nullable=False),
        PrimaryKeyConstraint("exception_id", name=f"pk_receipt_exceptions{suffix}"),
        Index(f"ix_receipt_exceptions{suffix}_merchant", "merchant_id", "position"),
    )  # fmt: skip
    # Which merchant each exception log belongs to (only its first event says).
    logs = Table(
        f"receipt_exception_logs{suffix}", md,
        Column("log_id", String(36), nullable=False),
        Column("merchant_id", String(36), nullable=False),
        PrimaryKeyConstraint("log_id", name=f"pk_receipt_exception_logs{suffix}"),
    )  # fmt: skip
    return ReadModels(md, balances, activity, liability, exceptions, logs)


def positions_table(metadata: MetaData | None = None) -> Table:
    """Tracking: the last notification id each view applied (never rebuilt)."""
    return Table(
        "projection_positions", metadata or MetaData(),
        Column("name", String(64), primary_key=True),
        Column("position", BigInteger, nullable=False),
        Column("updated_at", DateTime, nullable=False),
        Column("last_event_at", DateTime),
    )  # fmt: skip


def create_read_models(database_url: str) -> None:
    """Create the live read-model tables and the tracking table; safe to repeat."""
    engine = make_engine(database_url, writer=True)
    try:
        create_tables(engine)
    finally:
        engine.dispose()


def create_tables(engine: Engine) -> None:
    """Create the live tables on an engine if they are missing."""
    live = read_models()
    with engine.begin() as conn:
        live.metadata.create_all(conn)
        positions_table().create(conn, checkfirst=True)
        status_table().create(conn, checkfirst=True)
