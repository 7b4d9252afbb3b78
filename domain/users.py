"""Dashboard users of a merchant: invitations, passwords, roles, disabling (events).

A User's id is derived from its e-mail address, so signing in finds the account
with one look-up and an address belongs to one merchant only. The Team lists a
merchant's users, for the Team page. Password hashes are made outside the domain
(argon2 in the service); the domain keeps and compares only what it is given.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidRequest

ROLES = ("owner", "manager", "support")
INVITATION_LIFETIME = timedelta(hours=24)
_USERS = uuid5(NAMESPACE_URL, "giftledger:users")
_TEAMS = uuid5(NAMESPACE_URL, "giftledger:teams")


def normal_email(email: str) -> str:
    """The address as compared and stored: trimmed, lower case; refused if absurd."""
    value = email.strip().lower()
    local, at, domain = value.partition("@")
    if not at or not local or "." not in domain or len(value) > 254 or " " in value:
        raise InvalidRequest(
            "that is not an e-mail address", {"email": ["not an e-mail address"]}
        )
    return value


def user_id_for(email: str) -> UUID:
    """The id of the user with this e-mail address."""
    return uuid5(_USERS, normal_email(email))


def team_id_for(merchant_id: UUID) -> UUID:
    """The id of a merchant's team."""
    return uuid5(_TEAMS, str(merchant_id))


def check_role(role: str) -> str:
    """A known role, else InvalidRequest naming the field."""
    if role not in ROLES:
        raise InvalidRequest("unknown role", {"role": [f"must be one of {ROLES}"]})
    return role


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class User(Aggregate):
    """One person who signs in to one merchant's dashboard."""

    @event("Invited")
    def __init__(
        self,
        merchant_id: UUID,
        email: str,
        role: str,
        invited_by: str,
        token_hash: str,
        expires_at: datetime,
    ) -> None:
        self.merchant_id = merchant_id
        self.email = email
        self.role = role
        self.invited_by = invited_by
        self.token_hash: str | None = token_hash
        self.token_expires_at = expires_at
        self.password_hash: str | None = None
        self.disabled = False

    @classmethod
    def invite(
        cls, merchant_id: UUID, email: str, role: str, invited_by: str, now: datetime
    ) -> tuple[User, str]:
        """A new invited user and the one-time token of its set-password link."""
        address = normal_email(email)
        token = secrets.token_urlsafe(32)
        user = cls._create(
            cls.Invited,  # type: ignore[attr-defined]  # made by @event
            id=user_id_for(address),
            merchant_id=merchant_id,
            email=address,
            role=check_role(role),
            invited_by=invited_by,
            token_hash=_token_hash(token),
            expires_at=now + INVITATION_LIFETIME,
        )
        return user, token

    def token_valid(self, token: str, now: datetime) -> bool:
        """True while the set-password token is this user's, unused and unexpired."""
        if self.token_hash is None or self.disabled or now >= self.token_expires_at:
            return False
        return hmac.compare_digest(self.token_hash, _token_hash(token))

    def reissue(self, invited_by: str, now: datetime) -> str:
        """A fresh set-password link (the old one stops working)."""
        token = secrets.token_urlsafe(32)
        self._reissued(invited_by, _token_hash(token), now + INVITATION_LIFETIME)
        return token

    def set_password(self, password_hash: str) -> None:
        """Keep a new password hash; the set-password link is used up."""
        self._password_set(password_hash)

    def change_role(self, role: str) -> None:
        """Give the user another role."""
        if check_role(role) != self.role:
            self._role_changed(role)

    def disable(self, by: str) -> None:
        """Stop the user signing in, at once (their sessions end too)."""
        if not self.disabled:
            self._disabled(by)

    def enable(self, by: str) -> None:
        """Let a disabled user sign in again."""
        if self.disabled:
            self._enabled(by)

    @event("InvitationReissued")
    def _reissued(self, invited_by: str, token_hash: str, expires_at: datetime) -> None:
        self.invited_by = invited_by
        self.token_hash = token_hash
        self.token_expires_at = expires_at

    @event("PasswordSet")
    def _password_set(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.token_hash = None

    @event("RoleChanged")
    def _role_changed(self, role: str) -> None:
        self.role = role

    @event("Disabled")
    def _disabled(self, by: str) -> None:
        self.disabled = True

    @event("Enabled")
    def _enabled(self, by: str) -> None:
        self.disabled = False


class Team(Aggregate):
    """The list of a merchant's users (their state lives on each User)."""

    @event("Formed")
    def __init__(self, merchant_id: UUID) -> None:
        self.merchant_id = merchant_id
        self.members: dict[str, str] = {}

    @classmethod
    def form(cls, merchant_id: UUID) -> Team:
        """A merchant's first, empty team."""
        return cls._create(
            cls.Formed,  # type: ignore[attr-defined]  # made by @event
            id=team_id_for(merchant_id),
            merchant_id=merchant_id,
        )

    @event("MemberAdded")
    def add(self, user_id: str, email: str) -> None:
        """List a newly invited user."""
        self.members[user_id] = email
