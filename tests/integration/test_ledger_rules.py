"""Ledger-level rules on both backends: check order, lazy expiry, stamped origins,
void forfeiture and credentials."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import (
    CardNotActive,
    CardNotFound,
    HoldAlreadyResolved,
    InvalidAmount,
    InvalidCurrency,
    InvalidRequest,
    MerchantNotFound,
    Unauthorized,
)
from domain.ledger import Ledger
from domain.origin import Origin

CODE, LOCATION = "7741229000513333", "4057"


@pytest.fixture
def mid(ledger: Ledger):
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main", LOCATION)
    return merchant.id


def pos(key: str | None = None) -> Origin:
    return Origin(source="pos", actor="till-1", idempotency_key=key)


def stored(ledger: Ledger, mid) -> list:
    card = ledger.get_card(mid, CODE)[0]
    return list(ledger.events.get(card.id))


@pytest.mark.parametrize(
    ("amount", "currency", "error"),
    [(0, "GBP", InvalidAmount), (-5, "GBP", InvalidAmount), (1.5, "GBP", InvalidAmount),
     (100, "XXX", InvalidCurrency)],
)  # fmt: skip
def test_a_malformed_command_is_refused_before_the_card_is_looked_up(
    ledger: Ledger, mid, amount, currency, error
):
    missing = "no-such-card"
    with pytest.raises(error):
        ledger.redeem(mid, missing, amount, currency, LOCATION, None, pos())
    with pytest.raises(error):
        ledger.load_card(mid, missing, amount, currency, pos())
    with pytest.raises(error):
        ledger.place_hold(mid, missing, amount, currency, LOCATION, "A1", pos())
    with pytest.raises(CardNotFound):  # well-formed: not found
        ledger.redeem(mid, missing, 100, "GBP", LOCATION, None, pos())


def test_issue_checks_its_arguments_and_the_merchant(ledger: Ledger, mid, clock):
    with pytest.raises(InvalidRequest):
        ledger.issue_card(mid, "  ", 100, "GBP", None, pos())
    with pytest.raises(InvalidRequest):
        ledger.issue_card(mid, CODE, 100, "GBP", datetime(2030, 1, 1), pos())
    with pytest.raises(MerchantNotFound):
        ledger.issue_card(uuid4(), CODE, 100, "GBP", None, pos())


def test_every_event_carries_when_where_and_who(ledger: Ledger, mid, clock):
    ledger.issue_card(mid, CODE, 1000, "GBP", None, pos("sale"))
    clock.advance(60)
    ledger.redeem(mid, CODE, 100, "GBP", LOCATION, "A1", pos("r1"))
    issued, redeemed = stored(ledger, mid)
    assert issued.origin["occurred_at"] == (clock() - timedelta(seconds=60)).isoformat()
    assert redeemed.origin["occurred_at"] == clock().isoformat()
    site_id = next(iter(ledger.merchant(mid).sites))
    assert redeemed.origin["site_id"] == site_id
    assert (redeemed.origin["source"], redeemed.origin["actor"]) == ("pos", "till-1")
    assert redeemed.origin["idempotency_key"] == "r1"
    # An origin the caller stamped keeps the caller's time.
    told = Origin(source="lightspeed_rtn", occurred_at="2026-10-31T23:59:00+00:00")
    ledger.load_card(mid, CODE, 10, "GBP", told)
    assert stored(ledger, mid)[-1].origin["occurred_at"] == told.occurred_at


def test_an_expired_hold_is_released_by_the_next_command(ledger: Ledger, mid, clock):
    ledger.issue_card(mid, CODE, 1000, "GBP", None, pos())
    hold = ledger.place_hold(mid, CODE, 800, "GBP", LOCATION, "A1", pos())
    clock.advance(900)  # the merchant's default TTL
    card, now = ledger.get_card(mid, CODE)
    assert card.available(now) == 1000 and card.holds[hold.ref]["status"] == "open"
    ledger.redeem(mid, CODE, 900, "GBP", LOCATION, None, pos())
    released, redeemed = stored(ledger, mid)[-2:]
    assert type(released).__name__ == "HoldReleased" and released.reason == "expired"
    assert type(redeemed).__name__ == "Redeemed" and redeemed.amount == 900
    assert released.origin["source"] == "system"
    assert released.origin["occurred_at"] == clock().isoformat()
    with pytest.raises(HoldAlreadyResolved, match="expired"):
        ledger.capture_hold(mid, hold.ref, None, pos())


def test_a_blocked_card_gets_its_expired_holds_released_after_unblocking(
    ledger: Ledger, mid, clock
):
    ledger.issue_card(mid, CODE, 1000, "GBP", None, pos())
    ledger.place_hold(mid, CODE, 800, "GBP", LOCATION, "A1", pos())
    ledger.change_state(mid, CODE, "block", "lost", Origin("admin"))
    clock.advance(1000)
    ledger.change_state(mid, CODE, "unblock", "found", Origin("admin"))
    assert [type(e).__name__ for e in stored(ledger, mid)[-2:]] == [
        "Blocked", "Unblocked",
    ]  # fmt: skip
    ledger.redeem(mid, CODE, 1000, "GBP", LOCATION, None, pos())
    assert [type(e).__name__ for e in stored(ledger, mid)[-2:]] == [
        "HoldReleased", "Redeemed",
    ]  # fmt: skip


def test_a_full_capture_replays_with_its_amount(ledger: Ledger, mid):
    ledger.issue_card(mid, CODE, 1000, "GBP", None, pos())
    hold = ledger.place_hold(mid, CODE, 700, "GBP", LOCATION, "A1", pos())
    first = ledger.capture_hold(mid, hold.ref, None, pos("cap"))
    again = ledger.capture_hold(mid, hold.ref, None, pos("cap"))
    assert (first.amount, again.amount, again.replayed) == (700, 700, True)


def test_voiding_forfeits_the_balance_and_ends_the_card(ledger: Ledger, mid):
    ledger.issue_card(mid, CODE, 1000, "GBP", None, pos())
    ledger.place_hold(mid, CODE, 300, "GBP", LOCATION, "A1", pos())
    voided = ledger.change_state(mid, CODE, "void", "fraud", Origin("admin"))
    assert (voided.card.balance, voided.card.state(voided.now)) == (0, "voided")
    assert stored(ledger, mid)[-1].forfeited == 1000
    with pytest.raises(CardNotActive):
        ledger.adjust(mid, CODE, 500, "support_issue", "", Origin("admin"))


def test_credentials_rotate_revoke_at_once_and_keep_their_kind(ledger: Ledger, mid):
    old, old_user, old_secret = ledger.issue_credential(mid, "pos")
    new, new_user, new_secret = ledger.issue_credential(mid, "pos")
    # Rotation: the old and the new work together until the old is revoked.
    assert ledger.authenticate(old_user, old_secret).id == old.id
    assert ledger.authenticate(new_user, new_secret).id == new.id
    ledger.revoke_credential(mid, old.id)
    with pytest.raises(Unauthorized):
        ledger.authenticate(old_user, old_secret)
    assert ledger.authenticate(new_user, new_secret).id == new.id
    with pytest.raises(Unauthorized):
        ledger.authenticate(new_user, new_secret + "x")
    with pytest.raises(Unauthorized):  # the id re-labelled as an admin credential
        ledger.authenticate(new_user.replace("glp_", "gla_"), new_secret)
    with pytest.raises(Unauthorized):
        ledger.authenticate(f"glp_{uuid4().hex}", new_secret)
    assert ledger.merchant(mid).credentials[str(old.id)]["revoked"] is True
