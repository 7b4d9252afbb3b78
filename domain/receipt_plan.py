"""What a Lightspeed receipt asks of the ledger: plain commands and their context.

The service translates a receipt into these (a pure function of the receipt, the
merchant's settings and a ReceiptContext); ReceiptCommands applies them in one save.
Cards are named by aggregate id and masked code only: full codes stay at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

# How each kind of applied outcome moves a card's balance.
MONEY_SIGN = {"sale": 1, "payment": -1, "refund": 1, "reversal": -1, "release": 0}

# Receipt-exception codes the translation gives beside the ledger's error codes.
UNMATCHED_PAYMENT = "unmatched_payment"
MISSING_CARD_REFERENCE = "missing_card_reference"


@dataclass(frozen=True)
class Sell:
    """A gift-card sale line: issue the card, or load it when it exists."""

    line_id: str
    card_id: UUID
    masked_code: str
    amount: int
    currency: str
    kind: ClassVar[str] = "sale"


@dataclass(frozen=True)
class Capture:
    """A gift-card payment matched to an open hold of the account."""

    line_id: str
    hold_id: str
    card_id: UUID
    masked_code: str
    amount: int
    currency: str
    kind: ClassVar[str] = "payment"


@dataclass(frozen=True)
class Taken:
    """A gift-card payment the POS already took over the API: nothing more to do."""

    line_id: str
    ref: str
    card_id: UUID
    masked_code: str
    amount: int
    currency: str
    hold_id: str | None
    kind: ClassVar[str] = "payment"


@dataclass(frozen=True)
class Redeem:
    """A gift-card payment with no live hold: debit the card at once."""

    line_id: str
    card_id: UUID
    masked_code: str
    amount: int
    currency: str
    kind: ClassVar[str] = "payment"


@dataclass(frozen=True)
class Refund:
    """A negative gift-card payment: money back to the original payment's card."""

    line_id: str
    card_id: UUID
    masked_code: str
    redemption_id: str
    amount: int
    currency: str
    kind: ClassVar[str] = "refund"


@dataclass(frozen=True)
class Reverse:
    """A negative gift-card sale line: take back the original sale's load."""

    line_id: str
    card_id: UUID
    masked_code: str
    load_id: str
    amount: int
    currency: str
    kind: ClassVar[str] = "reversal"


@dataclass(frozen=True)
class Release:
    """Give an account's hold back to its card (unclaimed or cancelled)."""

    hold_id: str
    card_id: UUID
    masked_code: str
    amount: int
    reason: str
    kind: ClassVar[str] = "release"
    line_id: ClassVar[None] = None


@dataclass(frozen=True)
class Unapplied:
    """A gift-card line the translation could not turn into a command."""

    line_id: str
    kind: str
    masked_code: str | None
    amount: int
    currency: str
    code: str
    detail: str


Applicable = Sell | Capture | Redeem | Refund | Reverse | Release
Command = Applicable | Taken | Unapplied


@dataclass(frozen=True)
class OpenHold:
    """A hold of the account that no receipt settled yet."""

    hold_id: str
    card_id: UUID
    masked_code: str
    amount: int
    expired: bool
    currency: str  # the card's: a payment in another currency never takes it


@dataclass(frozen=True)
class TakenPayment:
    """Money the POS took for the account over the API (a captured hold or a
    redemption): the receipt's payment line for it must not take it again."""

    ref: str
    card_id: UUID
    masked_code: str
    amount: int
    is_hold: bool
    currency: str


@dataclass(frozen=True)
class PriorLine:
    """An applied sale or payment of the original account of a refund receipt."""

    line_id: str
    kind: str
    card_id: UUID
    masked_code: str
    ref: str
    remaining: int


@dataclass(frozen=True)
class ReceiptContext:
    """What the ledger knows that a receipt's translation needs."""

    merchant_id: UUID
    holds: tuple[OpenHold, ...] = ()
    prior: tuple[PriorLine, ...] = ()
    taken: tuple[TakenPayment, ...] = ()
