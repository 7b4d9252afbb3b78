"""The one range of dates and times the ledger accepts, from any caller.

Years 2000 to 2199 inclusive, in UTC after applying the offset: from
2000-01-01T00:00:00Z (included) to 2200-01-01T00:00:00Z (excluded). Inside it
every moment converts to UTC and to a naive UTC timestamp, so every read model
and database can hold it; `9999-12-31T23:59:59-14:00` cannot (it is year 10000
in UTC). The HTTP schemas, the CLI and the ledger's own commands all use it.
"""

from __future__ import annotations

from datetime import UTC, datetime

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_EXCLUDED = datetime(2200, 1, 1, tzinfo=UTC)
RANGE_TEXT = "between 2000-01-01T00:00:00Z and 2199-12-31T23:59:59.999999Z (UTC)"


def in_range(moment: datetime) -> bool:
    """True when an aware moment lies in the accepted range (years 2000-2199 UTC)."""
    if moment.utcoffset() is None:
        return False
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # year 0 or 10000 in UTC: outside by far
        return False
    return EARLIEST <= utc < LATEST_EXCLUDED


def out_of_range(field: str) -> dict[str, list[str]]:
    """The `errors` entry naming a field whose moment is outside the range."""
    return {field: [f"must be {RANGE_TEXT}"]}
