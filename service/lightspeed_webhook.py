"""Placeholder blueprint, to be filled in."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lightspeed_webhook", __name__)
