"""Credentials: secrets shown once, kept as hashes, compared in constant time."""

from __future__ import annotations

import hmac
import json
from uuid import uuid4

import pytest

from domain.credentials import (
    KINDS,
    Credential,
    hash_secret,
    parse_username,
    split_token,
    username_for,
)
from domain.errors import InvalidRequest


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_only_the_hash_of_the_secret_is_kept(kind):
    credential, secret = Credential.issue(uuid4(), uuid4(), kind)
    (issued,) = credential.collect_events()
    stored = json.dumps({k: str(v) for k, v in issued.__dict__.items()})
    assert secret not in stored and secret not in json.dumps(
        {k: str(v) for k, v in credential.__dict__.items()}
    )
    assert credential.secret_hash == hash_secret(secret)
    assert len(secret) >= 43  # 256 bits, URL-safe base64


def test_secrets_are_fresh_every_time():
    secrets = {Credential.issue(uuid4(), uuid4(), "pos")[1] for _ in range(50)}
    assert len(secrets) == 50


def test_the_right_secret_verifies_and_a_wrong_one_does_not():
    credential, secret = Credential.issue(uuid4(), uuid4(), "admin")
    assert credential.verify(secret)
    assert not credential.verify(secret[:-1])
    assert not credential.verify(secret + "x")
    assert not credential.verify("")


def test_verification_compares_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    credential, secret = Credential.issue(uuid4(), uuid4(), "pos")
    assert credential.verify(secret) and not credential.verify("guess")
    assert calls == [
        (credential.secret_hash, hash_secret(secret)),
        (credential.secret_hash, hash_secret("guess")),
    ]


def test_a_revoked_credential_never_verifies():
    credential, secret = Credential.issue(uuid4(), uuid4(), "webhook")
    credential.revoke()
    credential.revoke()
    assert not credential.verify(secret)
    assert [type(e).__name__ for e in credential.collect_events()] == [
        "Issued", "Revoked",
    ]  # fmt: skip


def test_unknown_kinds_are_refused():
    with pytest.raises(InvalidRequest):
        Credential.issue(uuid4(), uuid4(), "superuser")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_usernames_carry_the_kind_and_the_id(kind):
    credential_id = uuid4()
    username = username_for(kind, credential_id)
    assert parse_username(username) == (kind, credential_id)


@pytest.mark.parametrize(
    "username",
    ["", "glp", "glp_", "xyz_" + "0" * 32, "glp_" + "0" * 31, "glp_" + "g" * 32,
     "glp-" + "0" * 32, "glp_" + "0" * 33, "glp__" + "0" * 32],
)  # fmt: skip
def test_malformed_usernames_parse_to_none(username):
    assert parse_username(username) is None


def test_a_bearer_token_splits_at_the_first_dot():
    assert split_token("glp_abc.s3cr.et") == ("glp_abc", "s3cr.et")
    assert split_token("no-dot") == ("no-dot", "")
