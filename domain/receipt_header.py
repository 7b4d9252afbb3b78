"""The header of one receipt: who sent it, where, its payload, and the ids it names."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from domain.accounts import account_key
from domain.receipts import receipt_key


@dataclass(frozen=True)
class ReceiptHeader:
    """One authenticated, validated receipt: who, where, and the raw payload."""

    merchant_id: UUID
    location_id: str
    account_id: str
    site_id: str
    notification_type: str
    origin_account_id: str | None
    payload: str
    sha256: str
    actor: str
    has_gift_card_lines: bool
    # The cards the receipt's lines name (as far as the edge can tell): read with
    # the account and the receipt in one query before the commands run.
    card_ids: tuple[UUID, ...] = ()
    # Derived once here (each a uuid5), then read by the read-ahead and the command.
    receipt_id: UUID = field(init=False)
    account_uuid: UUID = field(init=False)
    origin_receipt_id: UUID | None = field(init=False)

    def __post_init__(self) -> None:
        where = (self.merchant_id, self.location_id)
        origin = self.origin_account_id
        # The documented way to set a frozen dataclass's derived fields.
        object.__setattr__(self, "receipt_id", receipt_key(*where, self.account_id))
        object.__setattr__(self, "account_uuid", account_key(*where, self.account_id))
        origin_id = receipt_key(*where, origin) if origin else None
        object.__setattr__(self, "origin_receipt_id", origin_id)
