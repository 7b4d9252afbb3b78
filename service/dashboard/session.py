"""Who is signed in to the dashboard: the session cookie, roles, idle timeout."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from uuid import UUID

from flask import current_app, g, redirect, request, session, url_for

from domain.errors import Forbidden
from domain.users import User
from service.http.auth import ledger

ANYONE = ("owner", "manager", "support")
MONEY = ("owner", "manager")  # moves money, sees credentials and settings
OWNER = ("owner",)
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class DashboardUser:
    """The signed-in person, as of this request."""

    user_id: UUID
    merchant_id: UUID
    email: str
    role: str


class SignInRequired(Exception):
    """The page needs a signed-in user (the handler redirects to sign-in)."""


def start(user: User) -> None:
    """Sign `user` in: a new session (the old one's contents are dropped)."""
    session.clear()
    session.permanent = True
    session["uid"] = str(user.id)
    session["seen"] = _now()


def end() -> None:
    """Sign out."""
    session.clear()


def load_user() -> None:
    """Put the session's user on `g` (None when signed out, idle or disabled)."""
    g.dashboard_user = None
    uid = session.get("uid")
    if uid is None:
        return
    idle = current_app.config["GIFTLEDGER"].session_idle_seconds
    now = _now()
    if now - int(session.get("seen", 0)) > idle:
        session.clear()
        session["expired"] = True  # the sign-in page says why
        return
    user = ledger().user(UUID(uid))
    if user is None or user.disabled or not user.password_hash:
        session.clear()
        return
    if now - int(session.get("seen", 0)) > 30:
        session["seen"] = now  # a cookie rewrite at most every 30 s
    g.dashboard_user = DashboardUser(user.id, user.merchant_id, user.email, user.role)


def _now() -> int:
    # The ledger's clock: tests move it to pass the idle timeout.
    return int(ledger().clock().timestamp())


def current_user(required: bool = True) -> DashboardUser | None:
    """The signed-in user; raises SignInRequired when `required` and none."""
    user = cast("DashboardUser | None", g.get("dashboard_user"))
    if user is None and required:
        raise SignInRequired()
    return user


def merchant_id() -> UUID:
    """The signed-in user's merchant: every page is scoped to it."""
    user = current_user()
    assert user is not None
    return user.merchant_id


def actor() -> str:
    """Who did it, as ledger events record it."""
    user = current_user()
    assert user is not None
    return f"user:{user.email}"


def signed_in(*roles: str) -> Callable[[F], F]:
    """Let only signed-in users with one of `roles` run the view."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            assert user is not None
            if user.role not in roles:
                raise Forbidden("your role does not allow this page")
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def sign_in_redirect() -> Any:
    """To the sign-in page, coming back here afterwards (same site only)."""
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("dashboard.sign_in", next=target))
