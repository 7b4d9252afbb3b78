"""Bodies over 1 MiB are refused whole with 413 on every endpoint, chunked or not."""

from __future__ import annotations

import pytest

BIG = b'{"amount": 1, "pad": "' + b"x" * (1024 * 1024 + 10) + b'"}'


@pytest.mark.parametrize("chunked", [False, True])
def test_an_oversized_pos_body_is_413_problem_json(client, token, chunked):
    headers = {"Authorization": f"Bearer {token}"}
    extra = {}
    if chunked:
        # No Content-Length: the server must notice the cut itself.
        headers["Transfer-Encoding"] = "chunked"
        extra["environ_overrides"] = {"wsgi.input_terminated": True}
    response = client.post(
        "/v1/pos/redemptions",
        data=BIG,
        content_type="application/json",
        headers=headers,
        **extra,
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "payload_too_large"
