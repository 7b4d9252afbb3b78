"""Admin API: a merchant's dashboard users (the first owner, and invitations)."""

from __future__ import annotations

from flask import Blueprint, Response
from marshmallow import Schema, fields, validate

from domain.users import ROLES
from service.http.auth import ledger, scoped
from service.http.openapi import documented
from service.http.schemas import answer, load
from service.http.users import set_password_url, user_view

bp = Blueprint("admin_users", __name__, url_prefix="/v1/merchants")
ERRORS = ("invalid_request", "unauthorized", "forbidden", "merchant_not_found")


class UserInvite(Schema):
    """Invite a user: an e-mail address and a role (the first user: `owner`)."""

    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    role = fields.String(load_default="owner", validate=validate.OneOf(ROLES))


class UserSchema(Schema):
    """A dashboard user (never a password or a hash)."""

    user_id = fields.UUID()
    merchant_id = fields.UUID()
    email = fields.String()
    role = fields.String()
    status = fields.String(metadata={"description": "invited, active or disabled"})


class UserInvited(UserSchema):
    """A new user, with the one-time link to set a password (valid 24 hours)."""

    set_password_url = fields.String()
    expires_at = fields.DateTime()


class UserList(Schema):
    """A merchant's dashboard users."""

    items = fields.List(fields.Nested(UserSchema))


@bp.post("/<merchant_id>/users")
@documented(
    body=UserInvite, responses={201: UserInvited}, errors=ERRORS, tags=["admin"]
)
def invite_user(merchant_id: str) -> Response:
    """Invite a dashboard user; the answer holds their one-time set-password link."""
    principal, mid = scoped(merchant_id)
    body = load(UserInvite)
    by = f"admin:{principal.credential_id}"
    user, token = ledger().invite_user(mid, body["email"], body["role"], by)
    data = {
        **user_view(user),
        "set_password_url": set_password_url(user, token),
        "expires_at": user.token_expires_at,
    }
    response = answer(UserInvited, data, 201)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<merchant_id>/users")
@documented(responses={200: UserList}, errors=ERRORS, tags=["admin"])
def list_users(merchant_id: str) -> Response:
    """A merchant's dashboard users."""
    _, mid = scoped(merchant_id)
    ledger().merchant(mid)
    return answer(UserList, {"items": [user_view(u) for u in ledger().team(mid)]})
