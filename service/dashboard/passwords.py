"""Password hashing for dashboard users: argon2id through argon2-cffi."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256
_hasher = PasswordHasher()  # argon2-cffi's defaults (RFC 9106 low-memory profile)
# Verified against when no such user exists, so both answers take as long.
_DUMMY = _hasher.hash("an address that has no account here")


def hash_password(password: str) -> str:
    """An argon2id hash of the password (salted, slow)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; the same work when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, email: str) -> list[str]:
    """What is wrong with a new password, in plain words (empty when fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"use at most {MAX_LENGTH} characters")
    if password.strip().lower() == email.strip().lower():
        problems.append("must not be your e-mail address")
    return problems
