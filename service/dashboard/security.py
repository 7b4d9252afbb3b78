"""The dashboard's browser security: session cookie, CSRF tokens, headers."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from service.config import Config

csrf = CSRFProtect()
# No inline script or style anywhere: every script and stylesheet is a static file.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), geolocation=(), microphone=()",
}


def install_csrf(app: Flask) -> None:
    """Cookie settings, the signing key and CSRFProtect (checked by the dashboard
    only: the JSON API authenticates every call with a bearer token, no cookie)."""
    config: Config = app.config["GIFTLEDGER"]
    app.secret_key = config.secret_key or _local_secret(config)
    app.config.update(
        SESSION_COOKIE_NAME="giftledger_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.https,
        SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=config.session_idle_seconds),
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=config.https,
    )
    app.session_interface = DashboardSessions()
    csrf.init_app(app)


class DashboardSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, opened under /dashboard only.

    Nothing else reads a session (the API and the POS extension present a token
    on every call); opening one builds a signing serializer, which cost every
    API request 3% of a redemption's instructions. Elsewhere Flask's null
    session stands in: empty, and it refuses writes.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The signed session on a dashboard page; None (a null session) elsewhere."""
        if not request.path.startswith("/dashboard"):
            return None
        return super().open_session(app, request)


def protect_form() -> None:
    """Refuse a POST without this session's CSRF token (400, the error page)."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


def apply_headers(response: Response, csp: str = CSP) -> Response:
    """The security headers every dashboard page carries."""
    response.headers["Content-Security-Policy"] = csp
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["GIFTLEDGER"].https:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if "text/html" in response.content_type:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _local_secret(config: Config) -> str:
    """A signing key kept in a file beside the SQLite store (one node only; set
    GIFTLEDGER_SECRET_KEY when several nodes serve): every worker reads the same."""
    folder = Path("var")
    if config.database_url.startswith("sqlite:///"):
        folder = Path(config.database_url[len("sqlite:///") :]).parent
    path = folder / "session-secret"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    return path.read_text().strip()
