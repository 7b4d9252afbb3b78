"""The one query that reads several aggregates: new events of cached ones, and
the latest snapshot plus the events after it of the others."""

from __future__ import annotations

from psycopg.sql import SQL, Composed, Identifier

from service.store.pg_wire import INT8_OID, UUID_OID, Prepared


def refresh_statement(
    schema: str, events_table: str, after: int, load: int, snapshots_table: str | None
) -> Prepared:
    """An OR of index look-ups and a few UNION ALLs: cheap to plan and bind.

    Parameters: (id, version) for each of `after`, then for each of `load` its id
    (three times with a snapshots table). Rows: (1 for a snapshot, 0 for an event,
    id, version, topic, state), in (id, version) order.
    """
    columns = SQL("originator_id, originator_version, topic, state")
    events = SQL("{}.{}").format(Identifier(schema), Identifier(events_table))
    parts = []
    if after:
        match = SQL("(originator_id = %s AND originator_version > %s)")
        parts.append(
            SQL("SELECT 0, {} FROM {} WHERE {}").format(
                columns, events, SQL(" OR ").join([match] * after)
            )
        )
    since: SQL | Composed = SQL("0")
    if snapshots_table:
        snaps = SQL("{}.{}").format(Identifier(schema), Identifier(snapshots_table))
        latest = SQL(
            "(SELECT 1, {} FROM {} WHERE originator_id = %s "
            "ORDER BY originator_version DESC LIMIT 1)"
        ).format(columns, snaps)
        since = SQL(
            "COALESCE((SELECT max(originator_version) FROM {} "
            "WHERE originator_id = %s), 0)"
        ).format(snaps)
    rest = SQL(
        "SELECT 0, {} FROM {} WHERE originator_id = %s AND originator_version > {}"
    ).format(columns, events, since)
    for _ in range(load):
        parts += [latest, rest] if snapshots_table else [rest]
    types = [UUID_OID, INT8_OID] * after + [UUID_OID] * (
        load * (3 if snapshots_table else 1)
    )
    return Prepared(
        SQL("{} ORDER BY 2, 1 DESC, 3").format(SQL(" UNION ALL ").join(parts)), types
    )
