"""A projection that cannot apply an event: which one, and the status row it leaves.

The projector records its failure in `projection_status` (same database as the
events), so `/readyz`, `/metrics` and `audit verify` on any node can show it; the
row stays until a projector gets past that position.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

PROJECTOR = "projector"
log = logging.getLogger("giftledger.projector")


class ProjectionFailed(Exception):
    """An event no view could apply; `position` is its notification id."""

    def __init__(self, position: int, event: str, error: BaseException) -> None:
        self.position = position
        self.event = event
        self.error = f"{type(error).__name__}: {error}"[:500]
        super().__init__(f"cannot apply the event at position {position} ({event})")

    def line(self) -> str:
        """One line for an operator: where, which event, why."""
        return f"{self}: {self.error}"


def describe(notification: Notification) -> str:
    """An event's identity: topic, aggregate and version."""
    name = notification.topic.rpartition(":")[2]
    return f"{name} of {notification.originator_id} v{notification.originator_version}"


def describe_event(event: Any) -> str:
    """A decoded event's identity, as `describe` gives a notification's."""
    name = type(event).__name__
    return f"{name} of {event.originator_id} v{event.originator_version}"


def locate(
    batch: Sequence[Notification],
    apply_one: Callable[[Notification], Any],
    error: BaseException,
    passed: tuple[type[BaseException], ...],
) -> ProjectionFailed:
    """Apply a failed batch one event at a time: the first that fails is the culprit.

    Every event before it is applied (and committed) on the way, so the views stop
    right before the poison event rather than at the start of its batch.
    """
    for notification in batch:
        try:
            apply_one(notification)
        except passed:
            raise
        except Exception as single:
            return ProjectionFailed(notification.id, describe(notification), single)
    first = batch[0]
    return ProjectionFailed(first.id, describe(first), error)


def status_table(metadata: MetaData | None = None) -> Table:
    """projection_status: a failed projector's position, event, error and count."""
    return Table(
        "projection_status", metadata or MetaData(),
        Column("name", String(64), primary_key=True),
        Column("position", BigInteger, nullable=False),
        Column("event", Text, nullable=False),
        Column("error", Text, nullable=False),
        Column("failures", BigInteger, nullable=False),
        Column("first_failed_at", DateTime, nullable=False),
        Column("last_failed_at", DateTime, nullable=False),
    )  # fmt: skip


STATUS = status_table()


def record_failure(engine: Engine, failure: ProjectionFailed) -> None:
    """Write (or count again) the projector's failure, and log it as one line."""
    failures = None
    try:
        failures = _store_failure(engine, failure)
    except Exception:  # the log line below still says it all
        log.warning("projector: could not record the failure", exc_info=True)
    log.error(
        "projector: %s; stopped",
        failure.line(),
        extra={"fields": {
            "event": "projection_failed", "position": failure.position,
            "event_id": failure.event, "error": failure.error, "failures": failures,
        }},
    )  # fmt: skip


def _store_failure(engine: Engine, failure: ProjectionFailed) -> int:
    """Upsert the status row; returns how many runs failed at that position."""
    now = datetime.now(UTC).replace(tzinfo=None)
    t = STATUS
    with engine.begin() as conn:
        row = conn.execute(select(t).where(t.c.name == PROJECTOR)).mappings().first()
        values = {"event": failure.event, "error": failure.error, "last_failed_at": now}
        if row is not None and row["position"] == failure.position:
            count = int(row["failures"]) + 1
            conn.execute(
                update(t).where(t.c.name == PROJECTOR).values(failures=count, **values)
            )
            return count
        conn.execute(t.delete().where(t.c.name == PROJECTOR))
        conn.execute(
            insert(t).values(
                name=PROJECTOR, position=failure.position, failures=1,
                first_failed_at=now, **values,
            )
        )  # fmt: skip
        return 1


def clear_failure(engine: Engine) -> None:
    """The projector got past its failure: forget it."""
    with engine.begin() as conn:
        conn.execute(STATUS.delete().where(STATUS.c.name == PROJECTOR))
    log.info("projector: past its recorded failure; status cleared")


def failed_position(engine: Engine) -> int | None:
    """The position of the failure an earlier run recorded, if any."""
    with engine.connect() as conn:
        failure = read_failure(conn)
    return None if failure is None else int(failure["position"])


def read_failure(conn: Connection) -> dict[str, Any] | None:
    """The recorded failure (JSON-ready), or None while the projector is healthy."""
    query = select(STATUS).where(STATUS.c.name == PROJECTOR)
    row = conn.execute(query).mappings().first()
    if row is None:
        return None
    failure = dict(row)
    failure.pop("name")
    for key in ("first_failed_at", "last_failed_at"):
        failure[key] = failure[key].replace(tzinfo=UTC).isoformat()
    return failure
