"""Translate a receipt's gift-card lines into ledger commands (DESIGN section 8).

Pure: the receipt's lines, the merchant's currency and the ledger's context (the
account's open holds, the original account's applied lines) in, commands out.
Commands come in the order they are applied: sales, hold captures (and payments
the POS already took over the API), releases of the unclaimed holds, direct
redemptions, refunds, reversals. Releasing before redeeming means a hold the
receipt did not use never blocks a payment of the same card.
"""

from __future__ import annotations

from uuid import UUID

from domain.card_codes import card_id, mask
from domain.errors import CardNotFound, CurrencyMismatch
from domain.receipt_plan import (
    MISSING_CARD_REFERENCE,
    UNMATCHED_PAYMENT,
    Capture,
    Command,
    OpenHold,
    ReceiptContext,
    Redeem,
    Release,
    Sell,
    Taken,
    TakenPayment,
)
from service.lightspeed.lines import GiftLine, ReceiptLines
from service.lightspeed.undo import CARD_CODE, Undo, unapplied

CANCELLED = "cancelled"


def plan(
    receipt: ReceiptLines, context: ReceiptContext, merchant_currency: str
) -> list[Command]:
    """The commands of one receipt, in the order they are applied."""
    live = [h for h in context.holds if not h.expired]
    if receipt.cancelled:
        # A cancelled account sold nothing and was paid by nothing: free its holds.
        return [_release(h) for h in live]
    merchant_id = context.merchant_id
    references = list(receipt.references)
    sales: list[Command] = []
    for line in receipt.of_kind("sale"):
        code = references.pop(0) if references else None
        sales.append(_sell(merchant_id, line, code, merchant_currency))
    holds = list(context.holds)
    taken = list(context.taken)
    captures: list[Command] = []
    redeems: list[Command] = []
    for line in receipt.of_kind("payment"):
        code = line.code or (references.pop(0) if references else None)
        wanted = _card(merchant_id, code)
        paid = _match_taken(taken, line, wanted)
        hold = _match_hold(holds, line, wanted) if paid is None else None
        foreign = _match_hold(holds, line, wanted, any_currency=True)
        if paid is not None:
            # The POS took this money over the API already: never take it twice.
            taken.remove(paid)
            captures.append(_already(line, paid))
        elif hold is not None:
            holds.remove(hold)
            target = redeems if hold.expired else captures
            target.append(_take(line, hold))
        elif foreign is not None:
            # The POS held the card's currency and was paid in another: no money
            # moves, a person decides; the hold is released with the unclaimed.
            detail = (
                f"the card holds {foreign.currency}, the payment is {line.currency}"
            )
            redeems.append(
                unapplied(line, foreign.masked_code, CurrencyMismatch.code, detail)
            )
        elif code is None:
            detail = "a gift-card payment with no card reference and no matching hold"
            redeems.append(unapplied(line, None, UNMATCHED_PAYMENT, detail))
        elif wanted is None:
            redeems.append(
                unapplied(line, None, CardNotFound.code, CardNotFound().detail)
            )
        else:
            redeems.append(
                Redeem(line.line_id, wanted, mask(code), line.amount, line.currency)
            )
    releases: list[Command] = [_release(h) for h in holds if not h.expired]
    undo = Undo(context.prior)
    refunds: list[Command] = [
        undo.refund(line, _card(merchant_id, line.code), line.code)
        for line in receipt.of_kind("refund")
    ]
    reversals: list[Command] = []
    for line in receipt.of_kind("reversal"):
        code = references.pop(0) if references else None
        reversals.append(undo.reverse(line, _card(merchant_id, code), code))
    return [*sales, *captures, *releases, *redeems, *refunds, *reversals]


def named_cards(receipt: ReceiptLines, merchant_id: UUID) -> tuple[UUID, ...]:
    """Every card the receipt's lines and references could name, to read ahead."""
    codes = {line.code for line in receipt.lines} | set(receipt.references)
    ids = {_card(merchant_id, code) for code in codes}
    return tuple(i for i in ids if i is not None)


def _card(merchant_id: UUID, code: str | None) -> UUID | None:
    """The card id a code names, or None when it is no valid card code."""
    if code is None or not CARD_CODE.fullmatch(code):
        return None
    return card_id(merchant_id, code)


def _sell(
    merchant_id: UUID, line: GiftLine, code: str | None, merchant_currency: str
) -> Command:
    wanted = _card(merchant_id, code)
    if code is None or wanted is None:
        detail = "no valid card code in the account's external references"
        return unapplied(line, None, MISSING_CARD_REFERENCE, detail)
    if line.currency != merchant_currency:
        detail = f"the merchant sells {merchant_currency} cards, not {line.currency}"
        return unapplied(line, mask(code), CurrencyMismatch.code, detail)
    return Sell(line.line_id, wanted, mask(code), line.amount, line.currency)


def _match_taken(
    taken: list[TakenPayment], line: GiftLine, wanted: UUID | None
) -> TakenPayment | None:
    """Money the POS already took for this account: this amount, this currency."""
    return next(
        (
            t
            for t in taken
            if (t.amount, t.currency) == (line.amount, line.currency)
            and (wanted is None or t.card_id == wanted)
        ),
        None,
    )


def _already(line: GiftLine, paid: TakenPayment) -> Taken:
    return Taken(
        line.line_id, paid.ref, paid.card_id, paid.masked_code, line.amount,
        line.currency, paid.ref if paid.is_hold else None,
    )  # fmt: skip


def _match_hold(
    holds: list[OpenHold], line: GiftLine, wanted: UUID | None,
    any_currency: bool = False,
) -> OpenHold | None:  # fmt: skip
    """An unclaimed hold for the line's amount in its currency (on the named card,
    if one is named); for a named card, a larger hold of it is taken in part."""
    amount = line.amount
    candidates = [
        h for h in holds
        if (wanted is None or h.card_id == wanted)
        and (any_currency or h.currency == line.currency)
    ]  # fmt: skip
    exact = next((h for h in candidates if h.amount == amount), None)
    if exact is not None or wanted is None:
        return exact
    return next((h for h in candidates if h.amount > amount), None)


def _take(line: GiftLine, hold: OpenHold) -> Command:
    """Capture a live hold; an expired one is redeemed from its card instead."""
    if hold.expired:
        return Redeem(
            line.line_id, hold.card_id, hold.masked_code, line.amount, line.currency
        )
    return Capture(
        line.line_id, hold.hold_id, hold.card_id, hold.masked_code, line.amount,
        line.currency,
    )  # fmt: skip


def _release(hold: OpenHold) -> Release:
    return Release(hold.hold_id, hold.card_id, hold.masked_code, hold.amount, CANCELLED)
