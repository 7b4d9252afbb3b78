"""Derived aggregate ids: the domain's are pure; the store's memo agrees with them
and keeps only what the API accepts; a receipt header derives its ids once."""

from __future__ import annotations

from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.accounts import account_key
from domain.card_codes import MAX_CODE_LENGTH, card_id
from domain.ledger import Ledger
from domain.receipt_plan import ReceiptHeader
from domain.receipts import receipt_key
from service.store import derived_ids
from service.store.derived_ids import memoised_card_id
from service.store.ledger import StoredLedger

MERCHANT = UUID("00000000-0000-4000-8000-000000000001")


@given(st.uuids(), st.text(max_size=200))
def test_the_memo_gives_the_domains_id_for_every_code(merchant_id, code):
    assert memoised_card_id(merchant_id, code) == card_id(merchant_id, code)
    assert memoised_card_id(merchant_id, code) == card_id(merchant_id, code)


def test_only_codes_the_api_accepts_are_remembered():
    before = derived_ids._remembered.cache_info().currsize
    for n in range(50):
        memoised_card_id(MERCHANT, "x" * (MAX_CODE_LENGTH + 1 + n))
    assert derived_ids._remembered.cache_info().currsize == before
    memoised_card_id(MERCHANT, "GIFT-remembered-" + str(before))
    assert derived_ids._remembered.cache_info().currsize == before + 1


def test_the_plain_ledger_derives_and_the_stored_ledger_remembers():
    assert Ledger.card_id is card_id  # the domain alone: a pure function
    assert StoredLedger.card_id is memoised_card_id


@given(st.text(min_size=1, max_size=20), st.one_of(st.none(), st.text(max_size=20)))
def test_a_receipt_header_derives_its_ids_once(account_id, origin_account_id):
    header = ReceiptHeader(
        merchant_id=MERCHANT, location_id="4057", account_id=account_id,
        site_id="site", notification_type="CLOSE", origin_account_id=origin_account_id,
        payload="{}", sha256="0" * 64, actor="rtn", has_gift_card_lines=True,
    )  # fmt: skip
    assert header.receipt_id == receipt_key(MERCHANT, "4057", account_id)
    assert header.account_uuid == account_key(MERCHANT, "4057", account_id)
    expected = (
        receipt_key(MERCHANT, "4057", origin_account_id) if origin_account_id else None
    )
    assert header.origin_receipt_id == expected
