"""Card commands of the ledger: issue, load, hold, redeem (a redemption is decided
here and in GiftCard.redeem).

Each command checks its arguments before it looks the card up (DESIGN section 5:
validation, then existence, then state, then funds), so a well-formed command for
an unknown card is always CardNotFound. Each is one atomic save (LedgerCore.on_card).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.accounts import PosAccount, account_key
from domain.card_codes import card_id, mask
from domain.card_rules import check_aware
from domain.errors import CardCodeTaken, InvalidRequest
from domain.giftcard import GiftCard
from domain.ledger_core import LedgerCore
from domain.money import check_minor, exponent
from domain.origin import Origin
from domain.pointers import Pointer
from domain.views import Outcome
from domain.work import CardWork

BORN_EXPIRED = {"expires_at": ["must be in the future"]}


def issue_card(
    ledger: LedgerCore, merchant_id: UUID, code: str, amount: int, currency: str,
    expires_at: datetime | None, origin: Origin,
) -> Outcome:  # fmt: skip
    """Sell a new card with its first balance."""
    if not isinstance(code, str) or not code.strip():
        raise InvalidRequest("a card needs a code", {"code": ["required"]})
    check_minor(amount)
    exponent(currency)
    check_aware(expires_at, "expires_at")
    origin = origin.with_fingerprint("issue", amount, currency, expires_at)
    card_uuid = card_id(merchant_id, code)

    def command() -> Outcome:
        now = ledger.clock()
        ledger.merchant(merchant_id, copy=False)
        existing = ledger.get_aggregate(card_uuid)
        if isinstance(existing, GiftCard):
            replayed = ledger.replay(existing, origin, now, amount)
            if replayed is None:
                raise CardCodeTaken("a card with that code already exists")
            return replayed
        if expires_at is not None and expires_at <= now:
            raise InvalidRequest("the card would be born expired", BORN_EXPIRED)
        card = GiftCard.issue(
            card_uuid, merchant_id, mask(code), currency, amount, expires_at,
            ledger.event_origin(origin, now),
        )  # fmt: skip
        ledger.save(card)
        return Outcome(card=card, ref="issue", replayed=False, now=now, amount=amount)

    return ledger.retrying(command, key=card_uuid, touches=(merchant_id,))


def load_card(
    ledger: LedgerCore, merchant_id: UUID, code: str, amount: int, currency: str,
    origin: Origin, load_id: str | None = None,
) -> Outcome:  # fmt: skip
    """Top a card up."""
    check_minor(amount)
    exponent(currency)

    def step(work: CardWork) -> str:
        work.card.check_currency(currency)
        ref = load_id or str(uuid4())
        work.card.load(ref, amount, work.now, work.stamp())
        return ref

    return ledger.on_card(
        merchant_id, card_id(merchant_id, code),
        origin.with_fingerprint("load", amount, currency), step,
        amount=amount, touches=(merchant_id,),
    )  # fmt: skip


def place_hold(
    ledger: LedgerCore, merchant_id: UUID, code: str, amount: int, currency: str,
    location_id: str, account_id: str, origin: Origin,
) -> Outcome:  # fmt: skip
    """Reserve money for an open sale; the hold expires after the merchant's TTL."""
    check_minor(amount)
    exponent(currency)
    account_uuid = account_key(merchant_id, location_id, account_id)

    def step(work: CardWork) -> str:
        card, now = work.card, work.now
        card.check_currency(currency)
        merchant = ledger.merchant(merchant_id, copy=False)
        card.check_usable(now)
        site_id = merchant.site_for_location(location_id)
        ttl = timedelta(seconds=merchant.lightspeed["hold_ttl_seconds"])
        hold_id = uuid4()
        card.place_hold(
            str(hold_id), amount, now + ttl, account_id, location_id, now,
            work.stamp(site_id=site_id),
        )  # fmt: skip
        account = ledger.get_aggregate(account_uuid) or PosAccount.open(
            merchant_id, location_id, account_id
        )
        account.add_hold(str(hold_id), card.id, amount)
        work.also(Pointer.create(hold_id, merchant_id, card.id, "hold"), account)
        return str(hold_id)

    fingerprinted = origin.with_fingerprint(
        "hold", amount, currency, location_id, account_id
    )
    return ledger.on_card(
        merchant_id, card_id(merchant_id, code), fingerprinted, step,
        amount=amount, touches=(merchant_id, account_uuid),
    )  # fmt: skip


def redeem(
    ledger: LedgerCore, merchant_id: UUID, code: str, amount: int, currency: str,
    location_id: str, account_id: str | None, origin: Origin,
) -> Outcome:  # fmt: skip
    """Debit a card at once."""
    check_minor(amount)
    exponent(currency)
    account_uuid = account_key(merchant_id, location_id, account_id or "")

    def step(work: CardWork) -> str:
        card = work.card
        card.check_currency(currency)
        card.check_usable(work.now)
        merchant = ledger.merchant(merchant_id, copy=False)
        site_id = merchant.site_for_location(location_id)
        redemption_id = uuid4()
        card.redeem(str(redemption_id), amount, work.now, work.stamp(site_id=site_id))
        work.also(Pointer.create(redemption_id, merchant_id, card.id, "redemption"))
        if account_id:
            # Indexed for the account's RTN CLOSE, so it never takes this twice.
            account = ledger.get_aggregate(account_uuid) or PosAccount.open(
                merchant_id, location_id, account_id
            )
            account.add_redemption(str(redemption_id), card.id, amount)
            work.also(account)
        return str(redemption_id)

    fingerprinted = origin.with_fingerprint(
        "redeem", amount, currency, location_id, account_id
    )
    touches = [merchant_id, *([account_uuid] if account_id else [])]
    return ledger.on_card(
        merchant_id, card_id(merchant_id, code), fingerprinted, step,
        amount=amount, touches=touches,
    )  # fmt: skip
