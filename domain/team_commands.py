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


class TeamCommands(LedgerCore):
    """A merchant's dashboard users, as events."""

    def invite_user(
        self, merchant_id: UUID, email: str, role: str, invited_by: str
    ) -> tuple[User, str]:
        """Invite a user (or renew a pending invitation); returns it and its token."""

        def command() -> tuple[User, str]:
            self.merchant(merchant_id, copy=False)  # MerchantNotFound first
            existing = self.get_aggregate(user_id_for(email))
            now = self.clock()
            if isinstance(existing, User):
                if existing.merchant_id != merchant_id or existing.password_hash:
                    raise InvalidRequest(
                        "that address already has an account",
                        {"email": ["already has an account"]},
                    )
                existing.change_role(role)
                token = existing.reissue(invited_by, now)
                self.save(existing)
                return existing, token
            team = self.get_aggregate(team_id_for(merchant_id))
            if not isinstance(team, Team):
                team = Team.form(merchant_id)
            user, token = User.invite(merchant_id, email, role, invited_by, now)
            team.add(str(user.id), user.email)
            self.save(team, user)
            return user, token

        return self.retrying(command)

    def user(self, user_id: UUID) -> User | None:
        """A user by id, or None."""
        found = self.get_aggregate(user_id)
        return found if isinstance(found, User) else None

    def user_by_email(self, email: str) -> User | None:
        """A user by e-mail address, or None (also for a malformed address)."""
        try:
            return self.user(user_id_for(email))
        except InvalidRequest:
            return None

    def team(self, merchant_id: UUID) -> list[User]:
        """The merchant's users, in the order they were invited."""
        team = self.get_aggregate(team_id_for(merchant_id), copy=False)
        if not isinstance(team, Team):
            return []
        found = (self.user(UUID(member)) for member in team.members)
        return [user for user in found if user is not None]

    def set_password(self, user_id: UUID, token: str, password_hash: str) -> User:
        """Use a set-password link: the token must be the user's and unexpired."""

        def command() -> User:
            user = self.user(user_id)
            if user is None or not user.token_valid(token, self.clock()):
                raise InvalidRequest(
                    "this link has expired or was already used",
                    {"token": ["expired or already used"]},
                )
            user.set_password(password_hash)
            self.save(user)
            return user

        return self.retrying(command)

    def change_role(
        self, merchant_id: UUID, user_id: UUID, role: str, by: UUID
    ) -> User:
        """Give a user of the merchant another role (not one's own)."""
        return self._change(merchant_id, user_id, by, lambda u: u.change_role(role))

    def disable_user(self, merchant_id: UUID, user_id: UUID, by: UUID) -> User:
        """Stop a user of the merchant signing in (not oneself)."""
        return self._change(merchant_id, user_id, by, lambda u: u.disable(str(by)))

    def enable_user(self, merchant_id: UUID, user_id: UUID, by: UUID) -> User:
        """Let a disabled user of the merchant sign in again."""
        return self._change(merchant_id, user_id, by, lambda u: u.enable(str(by)))

    def _change(
        self,
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
            user = self.user(user_id)
            if user is None or user.merchant_id != merchant_id:
                raise UserNotFound("no user with that id")
            change(user)
            self.save(user)
            return user

        return self.retrying(command)
