"""Read your own writes: a page after a change waits for the projector to see it."""

from __future__ import annotations

from flask import current_app, session

from projections.status import wait_for
from service.store.ledger import LAST_POSITION
from service.store.read_engine import read_engine

WAIT_SECONDS = 2.0
KEY = "position"


def remember_own_writes() -> None:
    """Keep the position of the events this request wrote, for the next page."""
    position = LAST_POSITION.get()
    if position is not None and position > session.get(KEY, 0):
        session[KEY] = position


def wait_for_own_writes() -> None:
    """Before a page reads: wait (briefly) until the read models hold our writes."""
    wanted = session.get(KEY)
    if not wanted:
        return
    timeout = current_app.config.get("GIFTLEDGER_READ_WAIT_SECONDS", WAIT_SECONDS)
    # One wait per write: with the projector stopped, a page is late once, not always.
    session.pop(KEY, None)
    wait_for(read_engine(), int(wanted), timeout)
