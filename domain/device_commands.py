"""POS devices: pairing codes, pairing, last seen, the devices list and revoking."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from domain.credentials import Credential, username_for
from domain.errors import DeviceNotFound, PairingCodeInvalid, SiteNotFound
from domain.ledger_core import LedgerCore
from domain.merchant_commands import revoke_credential
from domain.pairing import PairingCode, new_pairing_code, pairing_code_id

# Last seen is a minute's precision: a device calling every second writes once.
SEEN_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Paired:
    """A new device credential: its id, the bearer token (shown once) and site."""

    device_id: UUID
    token: str
    merchant_id: UUID
    site_id: str


def create_pairing_code(
    ledger: LedgerCore, merchant_id: UUID, site_id: str
) -> tuple[str, datetime]:
    """A one-time code for a site and when it expires (the code is shown once)."""
    merchant = ledger.merchant(merchant_id, copy=False)
    if site_id not in merchant.sites:
        raise SiteNotFound("no site with that id")
    while True:
        code = new_pairing_code()
        if ledger.get_aggregate(pairing_code_id(code), copy=False) is None:
            break  # 31^8 codes: a clash with a stored one is once in a lifetime
    pairing = PairingCode.create(code, merchant_id, site_id, ledger.clock())
    ledger.save(pairing)
    return code, pairing.expires_at


def pair_device(ledger: LedgerCore, code: str, name: str) -> Paired:
    """Spend a pairing code on a new device credential for its site."""

    def command() -> Paired:
        pairing = ledger.get_aggregate(pairing_code_id(code))
        if not isinstance(pairing, PairingCode):
            raise PairingCodeInvalid("no such pairing code: check what you typed")
        now = ledger.clock()
        pairing.check(now)
        merchant = ledger.merchant(pairing.merchant_id)
        credential, secret = Credential.issue(uuid4(), pairing.merchant_id, "device")
        credential.scope_to_site(pairing.site_id)
        username = username_for("device", credential.id)
        merchant.add_device(str(credential.id), username, pairing.site_id, name)
        pairing.use(str(credential.id), now)
        ledger.save(merchant, credential, pairing)
        token = f"{username}.{secret}"
        return Paired(credential.id, token, pairing.merchant_id, pairing.site_id)

    return ledger.retrying(command)


def touch_device(ledger: LedgerCore, credential: Credential) -> None:
    """Record that a device called, at most once per SEEN_EVERY."""
    now = ledger.clock()
    last = credential.last_seen_at
    if last is not None and now - last < SEEN_EVERY:
        return
    fresh = ledger.get_aggregate(credential.id)
    if not isinstance(fresh, Credential) or fresh.revoked:
        return
    fresh.seen(now)
    # Another request of this device may record it first: that will do.
    with suppress(IntegrityError):
        ledger.save(fresh)


def devices(ledger: LedgerCore, merchant_id: UUID) -> list[dict[str, Any]]:
    """The merchant's paired devices, newest first, with when each was seen."""
    merchant = ledger.merchant(merchant_id, copy=False)
    listed = []
    for device_id, entry in merchant.credentials.items():
        if entry["kind"] != "device":
            continue
        credential = ledger.get_aggregate(UUID(device_id), copy=False)
        site = merchant.sites.get(entry["site_id"], {})
        listed.append({
            "device_id": device_id,
            "name": entry["name"],
            "site_id": entry["site_id"],
            "site_name": site.get("name"),
            "business_location_id": site.get("lightspeed_business_location_id"),
            "paired_at": entry["created_at"],
            "last_seen_at": getattr(credential, "last_seen_at", None),
            "revoked": entry["revoked"],
        })  # fmt: skip
    return sorted(listed, key=lambda d: d["paired_at"], reverse=True)


def revoke_device(ledger: LedgerCore, merchant_id: UUID, device_id: UUID) -> None:
    """Revoke a paired device: its very next call is refused."""
    entry = ledger.merchant(merchant_id, copy=False).credentials.get(str(device_id))
    if entry is None or entry["kind"] != "device":
        raise DeviceNotFound("no paired device with that id")
    revoke_credential(ledger, merchant_id, device_id)
