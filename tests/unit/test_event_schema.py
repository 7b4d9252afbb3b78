"""The stored schema: pinned topics, the application's name, and old events replaying.

If one of these fails, a stored event would no longer load: register the old topic
(eventsourcing.utils.register_topic) or add an upcaster; never just edit the pin.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from domain.giftcard import GiftCard
from domain.ledger import Ledger
from domain.ledger_core import LedgerCore
from service.store.ledger import StoredLedger
from tests.unit.cards import LATER, NOW, new_card, origin

GOLDEN = Path(__file__).with_name("golden_card_events.json")
CARD_EVENTS = [
    "Loaded", "LoadReversed", "HoldPlaced", "HoldCaptured", "HoldReleased",
    "Redeemed", "RedemptionRefunded", "Adjusted", "Blocked", "Unblocked", "Voided",
    "Expired",
]  # fmt: skip
PINNED_TOPICS = {
    "domain.giftcard:GiftCard",
    "domain.giftcard:GiftCard.Issued",
    *(f"domain.giftcard_events:GiftCardEvents.{name}" for name in CARD_EVENTS),
    "domain.merchant:Merchant",
    "domain.merchant:Merchant.Registered",
    "domain.merchant:Merchant.SiteAdded",
    "domain.merchant:Merchant.LightspeedConfigured",
    "domain.merchant:Merchant.CredentialIssued",
    "domain.merchant:Merchant.CredentialRevoked",
    "domain.credentials:Credential",
    "domain.credentials:Credential.Issued",
    "domain.credentials:Credential.Revoked",
    "domain.pointers:Pointer",
    "domain.pointers:Pointer.Created",
    "domain.accounts:PosAccount",
    "domain.accounts:PosAccount.Opened",
    "domain.accounts:PosAccount.HoldAdded",
}


def test_every_pinned_topic_still_resolves():
    for topic in PINNED_TOPICS:
        assert get_topic(resolve_topic(topic)) == topic


def test_the_card_commands_write_only_pinned_topics():
    card = new_card(1000, expires_at=NOW.replace(year=2027))
    written = {get_topic(GiftCard.Issued), get_topic(GiftCard)}
    card.load("L1", 100, NOW, origin())
    card.reverse_load("L1", 100, NOW, origin())
    card.place_hold("H1", 100, LATER, "A", "L", NOW, origin())
    card.capture("H1", 50, NOW, origin())
    card.redeem("R1", 10, NOW, origin())
    card.refund("R1", "F1", 10, NOW, origin())
    card.adjust("A1", 5, "complimentary", "", NOW, origin())
    card.block("lost", NOW, origin())
    card.unblock("found", NOW, origin())
    card.expire(NOW.replace(year=2028), origin())
    card.void("closed", NOW, origin())
    written |= {get_topic(type(e)) for e in card.collect_events()}
    expected = {t for t in PINNED_TOPICS if t.startswith("domain.giftcard")}
    assert written == expected


def test_the_application_name_is_pinned():
    # The name prefixes the library's environment variables and tables.
    assert Ledger.name == LedgerCore.name == StoredLedger.name == "giftledger"


def test_events_stored_by_the_first_schema_still_replay():
    golden = json.loads(GOLDEN.read_text())
    app = Ledger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    card_id = UUID(golden["card_id"])
    events = [
        app.mapper.to_domain_event(
            StoredEvent(
                originator_id=card_id,
                originator_version=item["version"],
                topic=item["topic"],
                state=json.dumps(item["state"]).encode(),
            )
        )
        for item in golden["events"]
    ]
    app.save(*events)
    card = app.repository.get(card_id)
    assert isinstance(card, GiftCard) and card.version == 15
    assert card.merchant_id == UUID(golden["merchant_id"])
    assert (card.masked_code, card.currency) == ("****0001", "GBP")
    assert card.expires_at == datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert (card.status, card.balance) == ("voided", 0)
    capture, expired = card.holds.values()
    assert (capture["amount"], capture["captured"], capture["status"]) == (
        1500, 1000, "captured",
    )  # fmt: skip
    assert capture["released_reason"] == "remainder"
    assert (expired["status"], expired["released_reason"]) == ("released", "expired")
    assert sorted(card.loads.values()) == [[2000, 500], [5000, 0]]
    assert sorted(card.redemptions.values()) == [[700, 200], [1000, 0]]
    assert card.applied["sale-1"][1:] == [1, "issue"]
    assert card.applied["void-1"][1:] == [15, "void"]
    forfeited = json.loads(GOLDEN.read_text())["events"][-1]["state"]["forfeited"]
    assert forfeited == 5000 + 2000 - 1000 - 700 + 200 - 300 - 500
