"""The date-time range check every accepted timestamp passes (domain.time_bounds)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import ValidationError, validate

from domain.time_bounds import RANGE_TEXT, in_range


class InRange(validate.Validator):
    """Refuse a moment outside years 2000-2199 (UTC, after its offset)."""

    error = f"must be {RANGE_TEXT}"

    def __call__(self, value: Any) -> datetime:
        if not isinstance(value, datetime) or not in_range(value):
            raise ValidationError(self.error)
        return value


def range_metadata(description: str) -> dict[str, Any]:
    """OpenAPI metadata of a bounded date-time field."""
    return {"description": f"{description}; {RANGE_TEXT}"}
