"""Team (owners only): the merchant's users, their roles, invitations, disabling."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from domain.errors import LedgerError
from domain.users import ROLES
from service.dashboard.blueprint import bp
from service.dashboard.errors import field_errors
from service.dashboard.session import OWNER, actor, current_user, merchant_id, signed_in
from service.http.auth import ledger
from service.http.users import set_password_url, user_view


def _page(status: int = 200, **extra: Any) -> tuple[str, int]:
    members = [user_view(u) for u in ledger().team(merchant_id())]
    extra.setdefault("errors", {})
    extra.setdefault("form", {})
    return render_template(
        "dashboard/team.html", members=members, roles=ROLES, **extra
    ), status


@bp.get("/team")
@signed_in(*OWNER)
def team() -> tuple[str, int]:
    """The merchant's users."""
    return _page()


@bp.post("/team/invite")
@signed_in(*OWNER)
def invite() -> tuple[str, int] | Response:
    """Invite someone (or renew a pending invitation): the link is shown once."""
    form = {
        "email": request.form.get("email", ""),
        "role": request.form.get("role", ""),
    }
    try:
        user, token = ledger().invite_user(
            merchant_id(), form["email"], form["role"], actor()
        )
    except LedgerError as error:
        return _page(422, errors={"invite": field_errors(error)}, form=form)
    page, status = _page(invite_link=set_password_url(user, token),
                         invited_email=user.email)  # fmt: skip
    response = Response(page, status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _change(user_id: UUID, command: str, message: str) -> tuple[str, int] | Response:
    me = current_user()
    assert me is not None
    try:
        if command == "role":
            role = request.form.get("role", "")
            user = ledger().change_role(merchant_id(), user_id, role, me.user_id)
        elif command == "disable":
            user = ledger().disable_user(merchant_id(), user_id, me.user_id)
        else:
            user = ledger().enable_user(merchant_id(), user_id, me.user_id)
    except LedgerError as error:
        errors = field_errors(error)
        if "role" in errors or "user" in errors:
            errors = {"_form": errors.get("role", []) + errors.get("user", [])}
        return _page(422, errors={"member": errors})
    flash(message.format(email=user.email, role=user.role), "ok")
    return redirect(url_for("dashboard.team"))


@bp.post("/team/<uuid:user_id>/role")
@signed_in(*OWNER)
def change_role(user_id: UUID) -> tuple[str, int] | Response:
    """Give a user another role."""
    return _change(user_id, "role", "{email} is now {role}.")


@bp.post("/team/<uuid:user_id>/disable")
@signed_in(*OWNER)
def disable_user(user_id: UUID) -> tuple[str, int] | Response:
    """Stop a user signing in; their open sessions end at their next page."""
    return _change(user_id, "disable", "{email} can no longer sign in.")


@bp.post("/team/<uuid:user_id>/enable")
@signed_in(*OWNER)
def enable_user(user_id: UUID) -> tuple[str, int] | Response:
    """Let a disabled user sign in again."""
    return _change(user_id, "enable", "{email} can sign in again.")
