"""Merchant commands: registration, sites, Lightspeed settings, credentials."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain.credentials import Credential, parse_username, username_for
from domain.errors import (
    BusinessLocationTaken,
    CredentialNotFound,
    InvalidRequest,
    Unauthorized,
)
from domain.ledger_core import LedgerCore, Reads
from domain.locations import LocationClaim, claim_id
from domain.merchant import Merchant


def register_merchant(ledger: LedgerCore, name: str, currency: str) -> Merchant:
    """Register a merchant."""
    merchant = Merchant.register(uuid4(), name, currency)
    ledger.save(merchant)
    return merchant


def add_site(ledger: LedgerCore, merchant_id: UUID, name: str, location_id: str) -> str:
    """Add a site mapped to a Lightspeed business location; returns its id."""
    site_id = str(uuid4())
    claimed = claim_id(location_id)

    def command() -> str:
        merchant = ledger.merchant(merchant_id)
        claim = ledger.get_aggregate(claimed, copy=False)
        if isinstance(claim, LocationClaim) and claim.merchant_id != merchant_id:
            raise BusinessLocationTaken(
                "another merchant has that Lightspeed business location"
            )
        merchant.add_site(site_id, name, location_id)
        if claim is None:
            ledger.save(merchant, LocationClaim.create(merchant_id, location_id))
        else:
            ledger.save(merchant)
        return site_id

    return ledger.retrying(command, touches=(merchant_id,))


def rename_site(
    ledger: LedgerCore, merchant_id: UUID, site_id: str, name: str
) -> Merchant:
    """Rename one of the merchant's sites."""

    def command() -> Merchant:
        merchant = ledger.merchant(merchant_id)
        merchant.rename_site(site_id, name)
        ledger.save(merchant)
        return merchant

    return ledger.retrying(command)


def configure_lightspeed(
    ledger: LedgerCore, merchant_id: UUID, settings: dict[str, Any]
) -> Merchant:
    """Replace the merchant's Lightspeed settings."""

    def command() -> Merchant:
        merchant = ledger.merchant(merchant_id)
        merchant.configure_lightspeed(settings)
        ledger.save(merchant)
        return merchant

    return ledger.retrying(command)


def issue_credential(
    ledger: LedgerCore, merchant_id: UUID, kind: str
) -> tuple[Credential, str, str]:
    """A new credential; returns it, its username and its secret (shown once)."""
    if kind == "device":  # scoped to a site: only pairing makes one
        raise InvalidRequest(
            "a device credential comes only from pairing with a code",
            {"kind": ["device credentials are paired, not issued"]},
        )

    def command() -> tuple[Credential, str, str]:
        merchant = ledger.merchant(merchant_id)
        credential, secret = Credential.issue(uuid4(), merchant_id, kind)
        username = username_for(kind, credential.id)
        merchant.add_credential(str(credential.id), kind, username)
        ledger.save(merchant, credential)
        return credential, username, secret

    return ledger.retrying(command)


def revoke_credential(
    ledger: LedgerCore, merchant_id: UUID, credential_id: UUID
) -> None:
    """Revoke a credential: it stops working at once."""

    def command() -> None:
        merchant = ledger.merchant(merchant_id)
        credential = ledger.get_aggregate(credential_id)
        if (
            not isinstance(credential, Credential)
            or credential.merchant_id != merchant_id
        ):
            raise CredentialNotFound("no credential with that id")
        merchant.revoke_credential(str(credential_id))
        credential.revoke()
        ledger.save(merchant, credential)

    ledger.retrying(command)


def authenticate(
    ledger: LedgerCore,
    username: str,
    secret: str,
    card_code: str | None = None,
    reads: Reads | None = None,
) -> Credential:
    """The live credential behind a username and secret, else Unauthorized.

    The credential, its merchant, the card the request names (if any) and
    what `reads` names are read from the store in one query, for the rest of
    the request (`reads` only once the secret matches the cached credential).
    """
    ledger.prefetch(username, card_code, reads, secret)
    parsed = parse_username(username)
    credential = ledger.get_aggregate(parsed[1], copy=False) if parsed else None
    if not isinstance(credential, Credential) or not credential.verify(secret):
        raise Unauthorized("invalid or revoked credentials")
    if parsed is None or parsed[0] != credential.kind:
        # A username re-prefixed with another kind is not this credential.
        raise Unauthorized("invalid or revoked credentials")
    return credential
