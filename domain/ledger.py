"""The ledger Application: the command and query API of giftledger.

Its commands live in one module per feature and are bound here as methods:
cards (issue, load, hold, redeem), holds (capture, release, refund), admin
(adjust, reverse a load, block/unblock/void/expire), merchants (sites,
settings, credentials, authentication), receipts (Lightspeed RTN) and POS
devices (pairing codes, pairing, last seen, revoking) and dashboard users.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain import (
    card_admin,
    card_commands,
    device_commands,
    hold_commands,
    merchant_commands,
    receipt_commands,
    team_commands,
)
from domain.giftcard import GiftCard
from domain.ledger_core import LedgerCore


class Ledger(LedgerCore):
    """Gift cards, merchants and credentials, event-sourced."""

    name = "giftledger"

    # cards
    issue_card = card_commands.issue_card
    load_card = card_commands.load_card
    place_hold = card_commands.place_hold
    redeem = card_commands.redeem
    # holds and redemptions, by their public ids
    pointed_card_id = hold_commands.pointed_card_id
    capture_hold = hold_commands.capture_hold
    release_hold = hold_commands.release_hold
    refund = hold_commands.refund
    # admin
    adjust = card_admin.adjust
    reverse_load = card_admin.reverse_load
    change_state = card_admin.change_state
    # merchants
    register_merchant = merchant_commands.register_merchant
    add_site = merchant_commands.add_site
    rename_site = merchant_commands.rename_site
    configure_lightspeed = merchant_commands.configure_lightspeed
    issue_credential = merchant_commands.issue_credential
    revoke_credential = merchant_commands.revoke_credential
    authenticate = merchant_commands.authenticate
    # receipts
    apply_receipt = receipt_commands.apply_receipt
    receipt_reads = staticmethod(receipt_commands.receipt_reads)
    receipt_exceptions = receipt_commands.receipt_exceptions
    resolve_receipt_exception = receipt_commands.resolve_receipt_exception
    stored_receipt = receipt_commands.stored_receipt
    # POS devices paired with one-time codes
    create_pairing_code = device_commands.create_pairing_code
    pair_device = device_commands.pair_device
    touch_device = device_commands.touch_device
    devices = device_commands.devices
    revoke_device = device_commands.revoke_device
    # dashboard users
    invite_user = team_commands.invite_user
    user = team_commands.user
    user_by_email = team_commands.user_by_email
    team = team_commands.team
    set_password = team_commands.set_password
    change_role = team_commands.change_role
    disable_user = team_commands.disable_user
    enable_user = team_commands.enable_user

    def get_card(self, merchant_id: UUID, code: str) -> tuple[GiftCard, datetime]:
        """A card as of now, straight from its events (always current)."""
        return self.card(merchant_id, code), self.clock()
