"""Admin API: merchants, sites and credentials (issue, list, rotate, revoke)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, Response

from domain.errors import CredentialNotFound, Forbidden
from domain.merchant import Merchant
from service.admin.schemas import (
    CredentialCreate,
    CredentialIssuedSchema,
    CredentialList,
    MerchantCreate,
    MerchantSchema,
    SiteCreate,
    SiteSchema,
)
from service.http.answers import credential_answer, credential_items
from service.http.auth import ledger, require, scoped
from service.http.openapi import documented
from service.http.schemas import answer, load

bp = Blueprint("admin_merchants", __name__, url_prefix="/v1/merchants")
ERRORS = ("invalid_request", "unauthorized", "forbidden", "merchant_not_found")


def merchant_view(merchant: Merchant) -> dict[str, Any]:
    """A merchant and its sites."""
    return {
        "merchant_id": merchant.id,
        "name": merchant.name,
        "currency": merchant.currency,
        "sites": [
            {"site_id": site_id, "merchant_id": merchant.id, **site}
            for site_id, site in merchant.sites.items()
        ],
    }


@bp.post("")
@documented(
    body=MerchantCreate,
    responses={201: MerchantSchema},
    errors=("invalid_request", "invalid_currency", "unauthorized", "forbidden"),
    tags=["admin"],
)
def create_merchant() -> Response:
    """Register a merchant (platform admin only)."""
    principal = require("admin")
    if principal.merchant_id is not None:
        raise Forbidden("only the platform admin registers merchants")
    body = load(MerchantCreate)
    merchant = ledger().register_merchant(body["name"], body["currency"])
    return answer(MerchantSchema, merchant_view(merchant), 201)


@bp.get("/<merchant_id>")
@documented(responses={200: MerchantSchema}, errors=ERRORS, tags=["admin"])
def get_merchant(merchant_id: str) -> Response:
    """A merchant and its sites."""
    _, mid = scoped(merchant_id)
    return answer(MerchantSchema, merchant_view(ledger().merchant(mid)))


@bp.post("/<merchant_id>/sites")
@documented(
    body=SiteCreate,
    responses={201: SiteSchema},
    errors=(*ERRORS, "business_location_taken"),
    tags=["admin"],
)
def add_site(merchant_id: str) -> Response:
    """Add a site mapped to a Lightspeed business location."""
    _, mid = scoped(merchant_id)
    body = load(SiteCreate)
    location = body["lightspeed_business_location_id"]
    site_id = ledger().add_site(mid, body["name"], location)
    site = {
        "site_id": site_id,
        "merchant_id": mid,
        "name": body["name"],
        "lightspeed_business_location_id": location,
    }
    return answer(SiteSchema, site, 201)


@bp.post("/<merchant_id>/credentials")
@documented(
    body=CredentialCreate,
    responses={201: CredentialIssuedSchema},
    errors=ERRORS,
    tags=["admin", "credentials"],
)
def issue_credential(merchant_id: str) -> Response:
    """Issue a credential; its secret is in this answer only."""
    _, mid = scoped(merchant_id)
    body = load(CredentialCreate)
    credential, username, secret = ledger().issue_credential(mid, body["kind"])
    data = credential_answer(credential, username, secret)
    return _no_store(answer(CredentialIssuedSchema, data, 201))


@bp.get("/<merchant_id>/credentials")
@documented(
    responses={200: CredentialList}, errors=ERRORS, tags=["admin", "credentials"]
)
def list_credentials(merchant_id: str) -> Response:
    """A merchant's credentials, revoked ones included; never a secret."""
    _, mid = scoped(merchant_id)
    merchant = ledger().merchant(mid)
    return answer(CredentialList, credential_items(merchant.credentials))


@bp.delete("/<merchant_id>/credentials/<credential_id>")
@documented(
    responses={204: None},
    errors=(*ERRORS, "credential_not_found"),
    tags=["admin", "credentials"],
)
def revoke_credential(merchant_id: str, credential_id: str) -> Response:
    """Revoke a credential; it stops working at once."""
    _, mid = scoped(merchant_id)
    ledger().revoke_credential(mid, _credential_uuid(credential_id))
    return Response(status=204)


@bp.post("/<merchant_id>/credentials/<credential_id>/rotate")
@documented(
    responses={201: CredentialIssuedSchema},
    errors=(*ERRORS, "credential_not_found"),
    tags=["admin", "credentials"],
)
def rotate_credential(merchant_id: str, credential_id: str) -> Response:
    """Issue a new credential of the same kind; the old one works until revoked."""
    _, mid = scoped(merchant_id)
    old_id = _credential_uuid(credential_id)
    listed = ledger().merchant(mid).credentials.get(str(old_id))
    if listed is None or listed["revoked"]:
        raise CredentialNotFound("no live credential with that id")
    credential, username, secret = ledger().issue_credential(mid, listed["kind"])
    data = credential_answer(credential, username, secret, rotated_from=old_id)
    return _no_store(answer(CredentialIssuedSchema, data, 201))


def _credential_uuid(credential_id: str) -> UUID:
    try:
        return UUID(credential_id)
    except ValueError:
        raise CredentialNotFound("no credential with that id") from None


def _no_store(response: Response) -> Response:
    # The body holds a secret: no cache on the way may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response
