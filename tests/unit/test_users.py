"""Dashboard users as events: invitations, one-time links, roles, disabling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import InvalidRequest
from domain.users import Team, User, normal_email, user_id_for

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_an_invitation_link_works_once_and_for_24_hours() -> None:
    user, token = User.invite(uuid4(), " Ann@Example.COM ", "owner", "cli", NOW)
    assert user.email == "ann@example.com"
    assert user.id == user_id_for("ANN@example.com")
    assert user.token_valid(token, NOW + timedelta(hours=23, minutes=59))
    assert not user.token_valid(token, NOW + timedelta(hours=24))
    assert not user.token_valid(token + "x", NOW)
    assert token not in repr(user.__dict__)  # only its hash is kept
    user.set_password("argon2-hash")
    assert not user.token_valid(token, NOW)  # used up
    assert [type(e).__name__ for e in user.collect_events()] == [
        "Invited", "PasswordSet",
    ]  # fmt: skip


def test_a_new_link_replaces_the_old_one() -> None:
    user, first = User.invite(uuid4(), "ann@example.com", "manager", "owner", NOW)
    second = user.reissue("owner", NOW + timedelta(hours=30))
    assert not user.token_valid(first, NOW + timedelta(hours=30))
    assert user.token_valid(second, NOW + timedelta(hours=53))


def test_disabling_stops_the_link_and_roles_are_checked() -> None:
    user, token = User.invite(uuid4(), "ann@example.com", "support", "owner", NOW)
    user.disable("owner")
    assert user.disabled and not user.token_valid(token, NOW)
    user.enable("owner")
    user.change_role("manager")
    assert user.role == "manager"
    with pytest.raises(InvalidRequest) as error:
        user.change_role("admin")
    assert list(error.value.errors) == ["role"]


@pytest.mark.parametrize("bad", ["", "ann", "ann@", "@example.com", "a b@example.com",
                                 "ann@localhost"])  # fmt: skip
def test_an_address_that_is_no_address_is_refused(bad: str) -> None:
    with pytest.raises(InvalidRequest) as error:
        normal_email(bad)
    assert error.value.errors == {"email": ["not an e-mail address"]}


def test_a_team_lists_its_members() -> None:
    merchant_id = uuid4()
    team = Team.form(merchant_id)
    team.add("u1", "ann@example.com")
    assert team.members == {"u1": "ann@example.com"}
