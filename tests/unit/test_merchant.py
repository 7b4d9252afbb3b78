"""The Merchant aggregate: registration, sites, Lightspeed settings, credential list."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.errors import (
    CredentialNotFound,
    InvalidCurrency,
    InvalidRequest,
    UnknownBusinessLocation,
)
from domain.merchant import DEFAULT_LIGHTSPEED, Merchant


def merchant() -> Merchant:
    return Merchant.register(uuid4(), "Bistro", "GBP")


def test_a_merchant_trades_in_one_supported_currency():
    m = merchant()
    assert (m.name, m.currency, m.sites) == ("Bistro", "GBP", {})
    assert m.lightspeed == DEFAULT_LIGHTSPEED and m.lightspeed is not DEFAULT_LIGHTSPEED
    with pytest.raises(InvalidCurrency):
        Merchant.register(uuid4(), "Bistro", "XXX")
    with pytest.raises(InvalidRequest):
        Merchant.register(uuid4(), "   ", "GBP")


def test_sites_map_business_locations_one_to_one():
    m = merchant()
    m.add_site("s1", "Main street", "4057")
    m.add_site("s2", "Harbour", "4058")
    assert m.site_for_location("4057") == "s1"
    assert m.site_for_location("4058") == "s2"
    with pytest.raises(InvalidRequest) as refused:
        m.add_site("s3", "Again", "4057")
    assert "lightspeed_business_location_id" in refused.value.errors
    with pytest.raises(UnknownBusinessLocation):
        m.site_for_location("9999")
    assert m.site_for_location("9999", default=None) is None


def test_lightspeed_settings_merge_over_the_defaults():
    m = merchant()
    m.configure_lightspeed({"gift_card_skus": ["GC-50"], "hold_ttl_seconds": 600})
    assert m.lightspeed == {**DEFAULT_LIGHTSPEED, "gift_card_skus": ["GC-50"],
                            "hold_ttl_seconds": 600}  # fmt: skip
    m.configure_lightspeed({})
    assert m.lightspeed == DEFAULT_LIGHTSPEED


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"hold_ttl_seconds": 29}, "hold_ttl_seconds"),
        ({"hold_ttl_seconds": 86401}, "hold_ttl_seconds"),
        ({"hold_ttl_seconds": "900"}, "hold_ttl_seconds"),
        ({"hold_ttl_seconds": True}, "hold_ttl_seconds"),
        ({"gift_card_skus": "GC-50"}, "gift_card_skus"),
        ({"payment_method_codes": [""]}, "payment_method_codes"),
        ({"payment_method_codes": [7]}, "payment_method_codes"),
        ({"card_reference_prefix": ""}, "card_reference_prefix"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_lightspeed_settings_are_refused_field_by_field(settings, field):
    m = merchant()
    with pytest.raises(InvalidRequest) as refused:
        m.configure_lightspeed(settings)
    assert field in refused.value.errors
    assert m.lightspeed == DEFAULT_LIGHTSPEED


def test_credentials_are_listed_and_revoked_once():
    m = merchant()
    m.add_credential("c1", "pos", "glp_x")
    assert m.credentials["c1"]["revoked"] is False
    m.collect_events()
    m.revoke_credential("c1")
    m.revoke_credential("c1")
    assert [type(e).__name__ for e in m.collect_events()] == ["CredentialRevoked"]
    assert m.credentials["c1"]["revoked"] is True
    with pytest.raises(CredentialNotFound):
        m.revoke_credential("c2")
