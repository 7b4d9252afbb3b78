"""Database failures worth waiting out: every follower of the event log retries them."""

from __future__ import annotations

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from sqlalchemy import exc as sa_exc

# Failures worth waiting out: database restarts, dropped connections, and another
# projector committing the same batch first. Anything else is a bug: it stops.
TRANSIENT = (
    OperationalError,
    InterfaceError,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.IntegrityError,
    ConnectionError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg.IntegrityError,  # raised through COPY, which bypasses SQLAlchemy
)
