"""POS devices on the integration page: pair one with a one-time code, revoke one."""

from __future__ import annotations

from uuid import UUID

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from domain.errors import DeviceNotFound, SiteNotFound
from service.dashboard.blueprint import bp
from service.dashboard.integration import render_integration
from service.dashboard.session import MONEY, merchant_id, signed_in
from service.http.auth import ledger


@bp.post("/integration/pairing-codes")
@signed_in(*MONEY)
def create_pairing_code() -> tuple[str, int]:
    """A one-time code for a site's iPad: shown on this page once, never stored."""
    mid = merchant_id()
    site_id = request.form.get("site_id", "")
    try:
        code, expires_at = ledger().create_pairing_code(mid, site_id)
    except SiteNotFound:
        return render_integration(422, pairing_error="Choose one of your sites.")
    site_name = ledger().merchant(mid).sites[site_id]["name"]
    pairing = {"code": code, "site_name": site_name, "expires_at": expires_at}
    page, status = render_integration(pairing_code=pairing)
    return page, status


@bp.post("/integration/devices/<device_id>/revoke")
@signed_in(*MONEY)
def revoke_device(device_id: str) -> Response:
    """Revoke a paired iPad: its very next call is refused."""
    try:
        ledger().revoke_device(merchant_id(), UUID(device_id))
    except (ValueError, DeviceNotFound):
        flash("That device is not paired with your business.", "error")
    else:
        flash("Device revoked: it can no longer take gift-card payments.", "ok")
    return redirect(url_for("dashboard.integration") + "#pos-devices")
