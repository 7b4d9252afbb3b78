"""Sign in, sign out, and the one-time set-password link."""

from __future__ import annotations

import time
from collections.abc import Callable
from uuid import UUID

from flask import current_app, redirect, render_template, request, url_for
from flask import session as flask_session
from werkzeug.wrappers import Response

from domain.errors import LedgerError
from service.dashboard import passwords, session
from service.dashboard.blueprint import bp
from service.dashboard.errors import field_errors
from service.http.auth import ledger
from service.http.counters import SharedWindow
from service.store.read_engine import read_engine

EXTENSION = "giftledger.sign_in_throttle"
NO_MATCH = "That e-mail address and password do not match an account."
THROTTLED = "Too many failed sign-ins. Wait 15 minutes, then try again."


def _throttles() -> tuple[SharedWindow, SharedWindow]:
    app = current_app
    found = app.extensions.get(EXTENSION)
    if found is None:
        config = app.config["GIFTLEDGER"]
        clock: Callable[[], float] = time.time
        if config.clock is not None:
            clock = lambda: config.clock().timestamp()  # noqa: E731
        window = config.sign_in_window_seconds
        found = (
            SharedWindow(read_engine, config.sign_in_account_limit, window, clock),
            SharedWindow(read_engine, config.sign_in_address_limit, window, clock),
        )
        app.extensions[EXTENSION] = found
    return found


def _next_page() -> str:
    target = request.args.get("next") or ""
    # Only a path of this site: never an open redirect.
    if target.startswith("/dashboard") and not target.startswith("//"):
        return target
    return url_for("dashboard.overview")


@bp.get("/sign-in")
def sign_in() -> str | Response:
    """The sign-in form."""
    if session.current_user(required=False) is not None:
        return redirect(_next_page())
    return render_template(
        "dashboard/sign_in.html", errors={}, email="", next=request.args.get("next"),
        expired=flask_session.pop("expired", False),
    )  # fmt: skip


@bp.post("/sign-in")
def sign_in_post() -> tuple[str, int] | Response:
    """Check the e-mail and password; the same answer for any mismatch."""
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    account, address = _throttles()
    account_key = f"sign-in-account:{email.lower()}"
    address_key = f"sign-in-address:{request.remote_addr}"
    if account.retry_after(account_key) or address.retry_after(address_key):
        return _form(email, THROTTLED, 429)
    user = ledger().user_by_email(email) if email else None
    hashed = user.password_hash if user is not None and not user.disabled else None
    if not passwords.verify_password(hashed, password) or user is None:
        account.hit(account_key)
        address.hit(address_key)
        return _form(email, NO_MATCH, 401)
    session.start(user)
    return redirect(_next_page())


def _form(email: str, message: str, status: int) -> tuple[str, int]:
    page = render_template(
        "dashboard/sign_in.html", errors={"_form": [message]}, email=email,
        next=request.args.get("next"), expired=False,
    )  # fmt: skip
    return page, status


@bp.post("/sign-out")
def sign_out() -> Response:
    """End the session."""
    session.end()
    return redirect(url_for("dashboard.sign_in"))


def _link_user(link: str) -> tuple[UUID, str] | None:
    user_part, _, token = link.partition(".")
    try:
        return UUID(user_part), token
    except ValueError:
        return None


@bp.get("/set-password/<link>")
def set_password(link: str) -> str:
    """The form behind a one-time link (invitations and the first owner)."""
    parsed = _link_user(link)
    user = ledger().user(parsed[0]) if parsed else None
    now = ledger().clock()
    if parsed is None or user is None or not user.token_valid(parsed[1], now):
        return render_template("dashboard/set_password.html", invalid=True)
    return render_template(
        "dashboard/set_password.html", invalid=False, email=user.email, errors={}
    )


@bp.post("/set-password/<link>")
def set_password_post(link: str) -> tuple[str, int] | Response:
    """Keep the new password (hashed), then sign the user in."""
    parsed = _link_user(link)
    user = ledger().user(parsed[0]) if parsed else None
    now = ledger().clock()
    if parsed is None or user is None or not user.token_valid(parsed[1], now):
        return render_template("dashboard/set_password.html", invalid=True), 400
    password = request.form.get("password", "")
    problems = passwords.password_problems(password, user.email)
    errors: dict[str, list[str]] = {}
    if problems:
        errors["password"] = [p[:1].upper() + p[1:] + "." for p in problems]
    elif password != request.form.get("confirm", ""):
        errors["confirm"] = ["The two passwords are not the same."]
    if not errors:
        try:
            user = ledger().set_password(
                user.id, parsed[1], passwords.hash_password(password)
            )
        except LedgerError as error:
            errors = field_errors(error)
    if errors:
        page = render_template(
            "dashboard/set_password.html", invalid=False, email=user.email,
            errors=errors,
        )  # fmt: skip
        return page, 422
    session.start(user)
    return redirect(url_for("dashboard.overview"))
