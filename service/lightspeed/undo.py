"""Refund and void lines matched to the original account's applied lines."""

from __future__ import annotations

import re
from collections import Counter
from uuid import UUID

from domain.card_codes import mask
from domain.receipt_plan import Command, PriorLine, Refund, Reverse, Unapplied
from service.http.field_types import CARD_CODE_PATTERN
from service.lightspeed.lines import GiftLine

CARD_CODE = re.compile(CARD_CODE_PATTERN)


def masked(code: str | None) -> str | None:
    """The masked form of a valid card code, else None."""
    return mask(code) if code and CARD_CODE.fullmatch(code) else None


def unapplied(line: GiftLine, shown: str | None, code: str, detail: str) -> Unapplied:
    """A line that becomes a receipt exception with this code."""
    return Unapplied(
        line.line_id, line.kind, shown, line.amount, line.currency, code, detail
    )


class Undo:
    """Matches refund and reversal lines to the original account's applied lines."""

    def __init__(self, prior: tuple[PriorLine, ...]) -> None:
        self.prior = prior
        self.used: Counter[tuple[UUID, str]] = Counter()

    def refund(self, line: GiftLine, wanted: UUID | None, code: str | None) -> Command:
        """Refund the original payment of this card and amount."""
        found = self._match("payment", line, wanted, code)
        if isinstance(found, Unapplied):
            return found
        return Refund(
            line.line_id, found.card_id, found.masked_code, found.ref, line.amount,
            line.currency,
        )  # fmt: skip

    def reverse(self, line: GiftLine, wanted: UUID | None, code: str | None) -> Command:
        """Reverse the original sale's load of this card and amount."""
        found = self._match("sale", line, wanted, code)
        if isinstance(found, Unapplied):
            return found
        return Reverse(
            line.line_id, found.card_id, found.masked_code, found.ref, line.amount,
            line.currency,
        )  # fmt: skip

    def _match(
        self, kind: str, line: GiftLine, wanted: UUID | None, code: str | None
    ) -> PriorLine | Unapplied:
        if code is not None and wanted is None:
            return unapplied(line, None, "redemption_not_found", "no such card")
        matching = [
            p
            for p in self.prior
            if p.kind == kind and (wanted is None or p.card_id == wanted)
        ]
        found = next((p for p in matching if self._left(p) == line.amount), None)
        found = found or next(
            (p for p in matching if self._left(p) >= line.amount), None
        )
        if found is not None:
            self.used[found.card_id, found.ref] += line.amount
            return found
        if matching:
            detail = "the refund exceeds what the original line left to refund"
            return unapplied(
                line, matching[0].masked_code, "refund_exceeds_redemption", detail
            )
        detail = "no applied gift-card line of the original account matches"
        return unapplied(line, masked(code), "redemption_not_found", detail)

    def _left(self, prior: PriorLine) -> int:
        return prior.remaining - self.used[prior.card_id, prior.ref]
