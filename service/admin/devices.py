"""Admin API for POS devices: pairing codes for a site, the devices, revoking one."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, Response

from domain.errors import DeviceNotFound
from service.http.auth import ledger, require
from service.http.device_schemas import DeviceList, PairingCodeSchema
from service.http.openapi import documented
from service.http.schemas import answer

bp = Blueprint("admin_devices", __name__, url_prefix="/v1/merchants")
ERRORS = ("unauthorized", "forbidden", "merchant_not_found")


def _merchant(merchant_id: str) -> UUID:
    return require("admin").merchant(merchant_id)


@bp.post("/<merchant_id>/sites/<site_id>/pairing-codes")
@documented(
    responses={201: PairingCodeSchema},
    errors=(*ERRORS, "site_not_found"),
    tags=["admin", "devices"],
)
def create_pairing_code(merchant_id: str, site_id: str) -> Response:
    """A one-time code that pairs one POS device with the site (10 minutes)."""
    code, expires_at = ledger().create_pairing_code(_merchant(merchant_id), site_id)
    data = {"code": code, "site_id": site_id, "expires_at": expires_at}
    response = answer(PairingCodeSchema, data, 201)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<merchant_id>/devices")
@documented(responses={200: DeviceList}, errors=ERRORS, tags=["admin", "devices"])
def list_devices(merchant_id: str) -> Response:
    """The merchant's paired POS devices, with when each was last seen."""
    return answer(DeviceList, {"items": ledger().devices(_merchant(merchant_id))})


@bp.delete("/<merchant_id>/devices/<device_id>")
@documented(
    responses={204: None},
    errors=(*ERRORS, "device_not_found"),
    tags=["admin", "devices"],
)
def revoke_device(merchant_id: str, device_id: str) -> Response:
    """Revoke a POS device: its very next call is refused."""
    mid = _merchant(merchant_id)
    try:
        device = UUID(device_id)
    except ValueError:
        raise DeviceNotFound("no paired device with that id") from None
    ledger().revoke_device(mid, device)
    return Response(status=204)
