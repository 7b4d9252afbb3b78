"""Placeholder blueprint, filled in by the HTTP API work."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin_merchants", __name__)
