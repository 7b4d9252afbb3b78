"""Seeding through the Ledger: a merchant, its site, credentials and cards."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

from domain.ledger import Ledger
from domain.origin import Origin
from domain.pointers import Pointer
from service.config import Config, ledger_env
from service.store.ledger import StoredLedger
from tests.lightspeed_support import SAMPLES

LOCATION = "40570261078018"  # the business location of the shared RTN samples
CARD_FORMAT = "BENCH%012d"
LIGHTSPEED = {
    "gift_card_skus": ["GC-ANY"],
    "payment_method_codes": ["GIFTCARD"],
    "card_reference_prefix": "GIFTCARD",
    "hold_ttl_seconds": 900,
}


@dataclass(frozen=True)
class Merchant:
    """What the load needs to know about the seeded merchant."""

    merchant_id: UUID
    pos_token: str
    webhook_username: str
    webhook_secret: str
    admin_token: str
    location: str = LOCATION

    @property
    def webhook_basic(self) -> str:
        """The base64 of `username:secret` for an Authorization: Basic header."""
        pair = f"{self.webhook_username}:{self.webhook_secret}"
        return base64.b64encode(pair.encode()).decode()


def open_ledger(database_url: str) -> Ledger:
    """A Ledger on the database, tables already created by init-db."""
    return StoredLedger(env=ledger_env(Config(database_url=database_url)))


def seed_merchant(
    ledger: Ledger, name: str = "Bench bistro", location: str = LOCATION
) -> Merchant:
    """A GBP merchant with a site (the samples' one unless told), Lightspeed
    settings and credentials."""
    merchant = ledger.register_merchant(name, "GBP")
    ledger.add_site(merchant.id, "Main street", location)
    ledger.configure_lightspeed(merchant.id, LIGHTSPEED)
    _, pos_user, pos_secret = ledger.issue_credential(merchant.id, "pos")
    _, hook_user, hook_secret = ledger.issue_credential(merchant.id, "webhook")
    _, admin_user, admin_secret = ledger.issue_credential(merchant.id, "admin")
    return Merchant(
        merchant.id,
        f"{pos_user}.{pos_secret}",
        hook_user,
        hook_secret,
        f"{admin_user}.{admin_secret}",
        location,
    )


def card_code(n: int) -> str:
    """The n-th seeded card's code."""
    return CARD_FORMAT % n


def seed_cards(
    ledger: Ledger, merchant_id: UUID, count: int, amount: int, start: int = 0
) -> list[str]:
    """Issue `count` cards through the ledger's own command."""
    codes = []
    for n in range(start, start + count):
        code = card_code(n)
        origin = Origin(source="admin", actor="bench", idempotency_key=f"seed-{n}")
        ledger.issue_card(merchant_id, code, amount, "GBP", None, origin)
        codes.append(code)
    return codes


def grow_history(
    ledger: Ledger, merchant_id: UUID, code: str, events: int, batch: int = 500
) -> None:
    """Give a card `events` more redemptions (1p each), saved in batches.

    Each is a real Redeemed event with its idempotency key and pointer, as the
    redemption command writes it; batching only saves the round trips.
    """
    site_id = ledger.merchant(merchant_id).site_for_location(LOCATION)
    done = 0
    while done < events:
        card = ledger.card(merchant_id, code)
        now = datetime.now(UTC)
        pointers = []
        for _ in range(min(batch, events - done)):
            redemption_id = uuid4()
            origin = Origin(
                source="pos", actor="bench", site_id=site_id,
                idempotency_key=f"grow-{redemption_id.hex}",
            ).with_fingerprint("redeem", 1, "GBP", LOCATION, None)  # fmt: skip
            card.redeem(str(redemption_id), 1, now, origin.as_event())
            pointers.append(
                Pointer.create(redemption_id, merchant_id, card.id, "redemption")
            )
            done += 1
        ledger.save(card, *pointers)


def rtn_template(path: Path) -> Path:
    """Write the RTN payment receipt with placeholders for wrk's rtn.lua."""
    receipt = json.loads((SAMPLES / "rtn-giftcard-payment-close.json").read_text())
    account = receipt["account"]
    account["id"] = "__ACCOUNT__"
    account["accountNumber"] = "A__ACCOUNT__"
    for n, line in enumerate(account["transactionLines"] + account["paymentLines"]):
        line["id"] = f"__LINE{n + 1}__"
        line["accountId"] = "__ACCOUNT__"
    for line in account["paymentLines"]:
        if line["paymentMethod"] == "GIFTCARD":
            line["externalReference"] = "__CODE__"
    text = json.dumps(receipt)
    for token in ("__ACCOUNT__", "__LINE1__", "__LINE2__", "__LINE3__"):
        text = text.replace(f'"{token}"', token)
    path.write_text(text)
    return path
