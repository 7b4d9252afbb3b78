"""Projector catch-up: events per second from a backlog of 100,000 events."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def measure(database_url: str, backlog: int, log_dir: Path) -> dict[str, Any]:
    """Placeholder until the projector exists."""
    return {"summary": "not measured: no projector yet"}
