"""Team commands: invite dashboard users, set passwords, change roles, disable."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from domain.errors import InvalidRequest, NotFound
from domain.ledger_core import LedgerCore
from domain.users import Team, User, team_id_for, user_id_for


class UserNotFound(NotFound):
    """No user of this merchant with that id."""

    code = "user_not_found"


def invite_user(
    ledger: LedgerCore, merchant_id: UUID, email: str, role: str, invited_by: str
) -> tuple[User, str]:
    """Invite a user (or renew a pending invitation); returns it and its token."""

    def command() -> tuple[User, str]:
        ledger.merchant(merchant_id, copy=False)  # MerchantNotFound first
        existing = ledger.get_aggregate(user_id_for(email))
        now = ledger.clock()
        if isinstance(existing, User):
            if existing.merchant_id != merchant_id or existing.password_hash:
                raise InvalidRequest(
                    "that address already has an account",
                    {"email": ["already has an account"]},
                )
            existing.change_role(role)
            token = existing.reissue(invited_by, now)
            ledger.save(existing)
            return existing, token
        team = ledger.get_aggregate(team_id_for(merchant_id))
        if not isinstance(team, Team):
            team = Team.form(merchant_id)
        user, token = User.invite(merchant_id, email, role, invited_by, now)
        team.add(str(user.id), user.email)
        ledger.save(team, user)
        return user, token

    return ledger.retrying(command)


def user(ledger: LedgerCore, user_id: UUID) -> User | None:
    """A user by id, or None."""
    found = ledger.get_aggregate(user_id)
    return found if isinstance(found, User) else None


def user_by_email(ledger: LedgerCore, email: str) -> User | None:
    """A user by e-mail address, or None (also for a malformed address)."""
    try:
        return user(ledger, user_id_for(email))
    except InvalidRequest:
        return None


def team(ledger: LedgerCore, merchant_id: UUID) -> list[User]:
    """The merchant's users, in the order they were invited."""
    found_team = ledger.get_aggregate(team_id_for(merchant_id), copy=False)
    if not isinstance(found_team, Team):
        return []
    found = (user(ledger, UUID(member)) for member in found_team.members)
    return [member for member in found if member is not None]


def set_password(
    ledger: LedgerCore, user_id: UUID, token: str, password_hash: str
) -> User:
    """Use a set-password link: the token must be the user's and unexpired."""

    def command() -> User:
        found = user(ledger, user_id)
        if found is None or not found.token_valid(token, ledger.clock()):
            raise InvalidRequest(
                "this link has expired or was already used",
                {"token": ["expired or already used"]},
            )
        found.set_password(password_hash)
        ledger.save(found)
        return found

    return ledger.retrying(command)


def change_role(
    ledger: LedgerCore, merchant_id: UUID, user_id: UUID, role: str, by: UUID
) -> User:
    """Give a user of the merchant another role (not one's own)."""
    return _change(ledger, merchant_id, user_id, by, lambda u: u.change_role(role))


def disable_user(
    ledger: LedgerCore, merchant_id: UUID, user_id: UUID, by: UUID
) -> User:
    """Stop a user of the merchant signing in (not oneself)."""
    return _change(ledger, merchant_id, user_id, by, lambda u: u.disable(str(by)))


def enable_user(ledger: LedgerCore, merchant_id: UUID, user_id: UUID, by: UUID) -> User:
    """Let a disabled user of the merchant sign in again."""
    return _change(ledger, merchant_id, user_id, by, lambda u: u.enable(str(by)))


def _change(
    ledger: LedgerCore,
    merchant_id: UUID,
    user_id: UUID,
    by: UUID,
    change: Callable[[User], None],
) -> User:
    if user_id == by:
        raise InvalidRequest(
            "you cannot change your own account here",
            {"user": ["is your own account"]},
        )

    def command() -> User:
        found = user(ledger, user_id)
        if found is None or found.merchant_id != merchant_id:
            raise UserNotFound("no user with that id")
        change(found)
        ledger.save(found)
        return found

    return ledger.retrying(command)
