"""Who is calling: bearer tokens (admin, POS) and HTTP Basic (RTN webhooks)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from uuid import UUID

from flask import current_app, g, request

from domain.credentials import split_token
from domain.errors import Forbidden, MerchantNotFound, Unauthorized
from domain.ledger import Ledger
from domain.ledger_core import Reads

PLATFORM_ADMIN = "platform-admin"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller; `merchant_id` None means the platform admin."""

    kind: str
    merchant_id: UUID | None
    credential_id: str
    site_id: str | None = None  # a paired POS device's site

    def merchant(self, merchant_id: str | UUID) -> UUID:
        """The merchant id a path names, if this caller may see it (else 404)."""
        try:
            wanted = merchant_id if isinstance(merchant_id, UUID) else UUID(merchant_id)
        except ValueError:
            raise MerchantNotFound("no merchant with that id") from None
        if self.merchant_id is not None and self.merchant_id != wanted:
            raise MerchantNotFound("no merchant with that id")
        return wanted

    def own_merchant(self) -> UUID:
        """The merchant of a merchant-scoped credential."""
        if self.merchant_id is None:
            raise Forbidden("this endpoint needs a merchant's credential")
        return self.merchant_id


def ledger() -> Ledger:
    """The worker's ledger Application."""
    return current_app.extensions["giftledger.ledger"]  # type: ignore[no-any-return]


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("a bearer token is required")
    return token.strip()


def _is_bootstrap_admin(token: str) -> bool:
    expected = current_app.config.get("GIFTLEDGER_ADMIN_TOKEN_SHA256")
    if not expected:
        return False
    presented = hashlib.sha256(token.encode()).hexdigest()
    return hmac.compare_digest(presented, expected)


def _a(noun: str) -> str:
    """The noun with its indefinite article: "an admin", "a pos"."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def require(*kinds: str, card_code: str | None = None) -> Principal:
    """Authenticate a bearer token of one of `kinds` (401 none, 403 wrong kind).

    `card_code`, when the request names a card, lets the ledger read that card
    in the same query as the credential (it is not checked here).
    """
    g.auth_challenge = 'Bearer realm="giftledger"'
    token = _bearer()
    if _is_bootstrap_admin(token):  # a valid credential, wrong kind elsewhere: 403
        principal = Principal("admin", None, PLATFORM_ADMIN)
    else:
        username, secret = split_token(token)
        credential = ledger().authenticate(username, secret, card_code)
        principal = Principal(
            credential.kind, credential.merchant_id, username, credential.site_id
        )
        if credential.kind == "device":
            ledger().touch_device(credential)
    if principal.kind not in kinds:
        raise Forbidden(f"this endpoint needs {_a(' or '.join(kinds))} credential")
    g.principal = principal
    return principal


def require_basic(kind: str = "webhook", reads: Reads | None = None) -> Principal:
    """Authenticate HTTP Basic credentials of a webhook.

    `reads` names what the request will read, to fetch it with the credential.
    """
    g.auth_challenge = 'Basic realm="giftledger-webhooks", charset="UTF-8"'
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise Unauthorized("HTTP Basic credentials are required")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized("malformed HTTP Basic credentials") from None
    username, _, secret = decoded.partition(":")
    g.basic_username = username  # the read-ahead's `reads` names its receipt's actor
    credential = ledger().authenticate(username, secret, reads=reads)
    if credential.kind != kind:
        raise Forbidden(f"this endpoint needs {_a(kind)} credential")
    principal = Principal(credential.kind, credential.merchant_id, username)
    g.principal = principal
    return principal


def scoped(merchant_id: str) -> tuple[Principal, UUID]:
    """An admin caller and the merchant of the path it may see."""
    principal = require("admin")
    return principal, principal.merchant(merchant_id)
