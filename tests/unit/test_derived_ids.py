"""Derived aggregate ids: pure functions whose values never change (every stored
card, receipt and account index is found by them), and a receipt header derives
its ids once."""

from __future__ import annotations

from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.accounts import account_key
from domain.card_codes import card_id
from domain.receipt_header import ReceiptHeader
from domain.receipts import receipt_key

MERCHANT = UUID("00000000-0000-4000-8000-000000000001")


def test_derived_ids_are_the_ones_stored_since_the_first_release():
    # Pinned: a change here would orphan every stored card, receipt and index.
    assert card_id(MERCHANT, "GIFT0001") == UUID("6ff9071f-14b9-5448-a267-a2a2d46cf5da")
    assert receipt_key(MERCHANT, "4057", "12") == UUID(
        "1bb39676-a797-5e7c-884f-d34bf4aeb991"
    )
    assert account_key(MERCHANT, "4057", "12") == UUID(
        "7110efd5-30f3-53cb-941c-0ecbfe48259f"
    )


@given(st.uuids(), st.text(max_size=80), st.text(max_size=80))
def test_different_codes_or_merchants_derive_different_cards(merchant, a, b):
    assert (card_id(merchant, a) == card_id(merchant, b)) == (a == b)
    assert card_id(merchant, a) != card_id(MERCHANT, a) or merchant == MERCHANT


@given(st.text(min_size=1, max_size=20), st.one_of(st.none(), st.text(max_size=20)))
def test_a_receipt_header_derives_its_ids_once(account_id, origin_account_id):
    header = ReceiptHeader(
        merchant_id=MERCHANT, location_id="4057", account_id=account_id,
        site_id="site", notification_type="CLOSE", origin_account_id=origin_account_id,
        payload="{}", sha256="0" * 64, actor="rtn", has_gift_card_lines=True,
    )  # fmt: skip
    assert header.receipt_id == receipt_key(MERCHANT, "4057", account_id)
    assert header.account_uuid == account_key(MERCHANT, "4057", account_id)
    origin = origin_account_id
    expected = receipt_key(MERCHANT, "4057", origin) if origin else None
    assert header.origin_receipt_id == expected
