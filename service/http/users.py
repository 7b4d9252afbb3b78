"""Dashboard users as the API and pages show them, and their set-password links."""

from __future__ import annotations

from typing import Any

from flask import current_app

from domain.users import User


def user_status(user: User) -> str:
    """invited (no password yet), active or disabled."""
    if user.disabled:
        return "disabled"
    return "active" if user.password_hash else "invited"


def user_view(user: User) -> dict[str, Any]:
    """A user, never a password hash or a token."""
    return {
        "user_id": user.id,
        "merchant_id": user.merchant_id,
        "email": user.email,
        "role": user.role,
        "status": user_status(user),
    }


def link_for(base_url: str, user: User, token: str) -> str:
    """The one-time set-password link of a user and token under `base_url`."""
    return f"{base_url.rstrip('/')}/dashboard/set-password/{user.id}.{token}"


def set_password_url(user: User, token: str) -> str:
    """The one-time link, on the address people reach the service at."""
    return link_for(current_app.config["GIFTLEDGER"].public_url, user, token)
