"""Small things a new user reads: the 403 wording and the /metrics Content-Type."""

from __future__ import annotations

from tests.e2e.support import bearer


def test_a_wrong_kind_of_credential_is_named_with_its_article(client, merchant):
    admin_only = client.get(f"/v1/merchants/{merchant.merchant_id}/credentials",
                            headers=merchant.pos)  # fmt: skip
    assert admin_only.status_code == 403
    assert admin_only.json["detail"] == "this endpoint needs an admin credential"
    pos_only = client.get("/v1/pos/cards/7741229000510001",
                          headers=bearer(merchant.admin_token))  # fmt: skip
    assert pos_only.status_code == 403
    assert pos_only.json["detail"] == "this endpoint needs a pos or device credential"


def test_metrics_name_their_charset_once(client):
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    content_type = metrics.headers["Content-Type"]
    assert content_type.lower().count("charset") == 1, content_type
    assert content_type.startswith("text/plain; version=")
