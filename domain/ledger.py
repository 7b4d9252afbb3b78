"""The ledger Application: the command and query API of giftledger."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.card_admin import CardAdminCommands
from domain.card_commands import CardCommands
from domain.device_commands import DeviceCommands
from domain.giftcard import GiftCard
from domain.merchant_commands import MerchantCommands
from domain.receipt_commands import ReceiptCommands
from domain.team_commands import TeamCommands


class Ledger(
    CardCommands,
    CardAdminCommands,
    MerchantCommands,
    ReceiptCommands,
    DeviceCommands,
    TeamCommands,
):
    """Gift cards, merchants and credentials, event-sourced."""

    name = "giftledger"

    def get_card(self, merchant_id: UUID, code: str) -> tuple[GiftCard, datetime]:
        """A card as of now, straight from its events (always current)."""
        return self.card(merchant_id, code), self.clock()
