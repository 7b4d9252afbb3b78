"""Webhook credentials: generate (shown once), rotate, revoke with confirmation."""

from __future__ import annotations

from uuid import UUID

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from domain.errors import CredentialNotFound
from service.dashboard.blueprint import bp
from service.dashboard.integration import webhook_url
from service.dashboard.session import MONEY, merchant_id, signed_in
from service.http.auth import ledger


def _shown_once(username: str, secret: str, rotated_from: str | None) -> Response:
    page = render_template(
        "dashboard/credential_issued.html", username=username, secret=secret,
        webhook_url=webhook_url(), rotated_from=rotated_from,
    )  # fmt: skip
    response = Response(page, mimetype="text/html")
    # The page holds a secret: nothing on the way may keep it, not even history.
    response.headers["Cache-Control"] = "no-store"
    return response


def _live_webhook(credential_id: UUID) -> dict[str, object]:
    listed = ledger().merchant(merchant_id()).credentials.get(str(credential_id))
    if listed is None or listed["kind"] != "webhook" or listed["revoked"]:
        raise CredentialNotFound("no live credential with that id")
    return listed


@bp.post("/integration/credentials")
@signed_in(*MONEY)
def generate_credential() -> Response:
    """Generate a webhook credential: its password is on this page only."""
    _, username, secret = ledger().issue_credential(merchant_id(), "webhook")
    return _shown_once(username, secret, None)


@bp.post("/integration/credentials/<uuid:credential_id>/rotate")
@signed_in(*MONEY)
def rotate_credential(credential_id: UUID) -> Response:
    """A new credential beside the old; both work until the old is revoked."""
    old = _live_webhook(credential_id)
    _, username, secret = ledger().issue_credential(merchant_id(), "webhook")
    return _shown_once(username, secret, str(old["username"]))


@bp.get("/integration/credentials/<uuid:credential_id>/revoke")
@signed_in(*MONEY)
def confirm_revoke(credential_id: UUID) -> str:
    """Ask before revoking: Lightspeed's calls with it fail from then on."""
    listed = _live_webhook(credential_id)
    return render_template(
        "dashboard/credential_revoke.html", credential_id=credential_id,
        username=listed["username"],
    )  # fmt: skip


@bp.post("/integration/credentials/<uuid:credential_id>/revoke")
@signed_in(*MONEY)
def revoke_credential(credential_id: UUID) -> Response:
    """Revoke: it stops working at once."""
    listed = _live_webhook(credential_id)
    ledger().revoke_credential(merchant_id(), credential_id)
    flash(f"Credential {listed['username']} revoked.", "ok")
    return redirect(url_for("dashboard.integration") + "#webhooks")
