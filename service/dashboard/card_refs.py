"""The card codes a signed-in user looked up, kept in the session, never in a URL.

Pages name a card by its aggregate id; the commands of the ledger need its code,
so the session remembers the code of each card this user found (the last few),
encrypted (Fernet, from `cryptography`): the session is a cookie the browser
keeps, and a code in it must not be readable there or in a copy of it.
"""

from __future__ import annotations

import base64
import hashlib
from uuid import UUID

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, session

from domain.errors import InvalidRequest
from service.http.schemas import check_code

SESSION_KEY = "card_codes"
REMEMBERED = 8  # a Fernet token is ~140 bytes; the cookie holds 4 kB


def clean_code(typed: str) -> str:
    """A code as typed or scanned: spaces dropped (never part of a code), checked."""
    code = "".join(typed.split())
    if not code:
        raise InvalidRequest(
            "a card code is needed", {"code": ["Type or scan the card's code."]}
        )
    try:
        return check_code(code)
    except InvalidRequest:
        raise InvalidRequest(
            "that is not a card code",
            {"code": ["A card code is 4 to 64 letters, digits, '_' or '-'."]},
        ) from None


def _fernet() -> Fernet:
    # A key of its own, derived from the app's signing key (which signs the cookie).
    secret = str(current_app.secret_key).encode()
    digest = hashlib.sha256(b"giftledger dashboard card codes\x00" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def remember(card_id: UUID, code: str) -> None:
    """Keep a found card's code for this session (newest last, bounded)."""
    codes = dict(session.get(SESSION_KEY) or {})
    codes.pop(str(card_id), None)
    codes[str(card_id)] = _fernet().encrypt(code.encode()).decode()
    session[SESSION_KEY] = dict(list(codes.items())[-REMEMBERED:])


def code_for(card_id: UUID) -> str | None:
    """The code of a card this session looked up, if it did."""
    codes = session.get(SESSION_KEY) or {}
    token = codes.get(str(card_id))
    if not isinstance(token, str):
        return None
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None
