"""Dashboard users through the admin API and the CLI; set-password links; sessions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from scripts.cli import _register_groups, cli
from tests.e2e.support import PLATFORM

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "a long enough passphrase"


def _token(client, path: str) -> str:
    found = CSRF.search(client.get(path).text)
    assert found
    return found.group(1)


def _set_password(client, link: str, password: str = PASSWORD):
    path = link.removeprefix("http://127.0.0.1:8000")
    token = _token(client, path)
    return client.post(path, data={"csrf_token": token, "password": password,
                                   "confirm": password})  # fmt: skip


def _sign_in(client, email: str, password: str = PASSWORD):
    token = _token(client, "/dashboard/sign-in")
    return client.post("/dashboard/sign-in", data={
        "csrf_token": token, "email": email, "password": password})  # fmt: skip


def test_the_admin_api_invites_the_first_owner(client, merchant):
    answer = client.post(f"{merchant.path}/users", headers=PLATFORM,
                         json={"email": "Owner@Bistro.example"})  # fmt: skip
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert (body["email"], body["role"], body["status"]) == (
        "owner@bistro.example", "owner", "invited",
    )  # fmt: skip
    assert answer.headers["Cache-Control"] == "no-store"
    assert _set_password(client, body["set_password_url"]).status_code == 302
    listed = client.get(f"{merchant.path}/users", headers=PLATFORM).json["items"]
    assert [(u["email"], u["status"]) for u in listed] == [
        ("owner@bistro.example", "active")
    ]
    assert "argon2" not in str(listed)
    # The address has an account now: a second invitation is refused by its field.
    body = {"email": "owner@bistro.example", "role": "support"}
    again = client.post(f"{merchant.path}/users", headers=PLATFORM, json=body)
    assert again.status_code == 400
    assert again.json["errors"] == {"email": ["already has an account"]}


def test_users_need_an_admin_credential_of_the_merchant(client, merchant):
    body = {"email": "x@example.com"}
    pos = client.post(f"{merchant.path}/users", headers=merchant.pos, json=body)
    assert pos.status_code == 403
    own = client.post(f"{merchant.path}/users", headers=merchant.admin, json=body)
    assert own.status_code == 201
    other = client.post("/v1/merchants", json={"name": "B", "currency": "EUR"},
                        headers=PLATFORM).json["merchant_id"]  # fmt: skip
    theirs = client.post(f"/v1/merchants/{other}/users", headers=merchant.admin,
                         json=body)  # fmt: skip
    assert theirs.status_code == 404
    bad = client.post(f"{merchant.path}/users", headers=PLATFORM,
                      json={"email": "y@example.com", "role": "admin"})  # fmt: skip
    assert bad.status_code == 400 and "role" in bad.json["errors"]


def test_the_cli_prints_a_link_that_expires_after_24_hours(client, config, clock):
    _register_groups()
    mid = client.post("/v1/merchants", json={"name": "C", "currency": "GBP"},
                      headers=PLATFORM).json["merchant_id"]  # fmt: skip
    result = CliRunner().invoke(
        cli,
        ["users", "create-owner", "--merchant", mid, "--email", "o@c.example"],
        env={"DATABASE_URL": config.database_url},
    )
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert link.startswith("http://127.0.0.1:8000/dashboard/set-password/")
    # The CLI stamped the link with the real time: the app's clock goes past it.
    clock.now = datetime.now(UTC) + timedelta(hours=24, seconds=1)
    path = link.removeprefix("http://127.0.0.1:8000")
    assert "expired or was already used" in client.get(path).text
    token = _token(client, "/dashboard/sign-in")
    refused = client.post(path, data={"csrf_token": token, "password": PASSWORD,
                                      "confirm": PASSWORD})  # fmt: skip
    assert refused.status_code == 400 and "expired" in refused.text
    unknown = CliRunner().invoke(
        cli,
        ["users", "create-owner", "--merchant", mid, "--email", "nope"],
        env={"DATABASE_URL": config.database_url},
    )
    assert unknown.exit_code != 0 and "invalid_request" in unknown.output


def test_a_session_ends_after_the_idle_timeout_and_on_sign_out(client, merchant, clock):
    body = {"email": "ann@example.com"}
    invited = client.post(f"{merchant.path}/users", headers=PLATFORM, json=body)
    link = invited.json["set_password_url"]
    short = _set_password(client, link, "too short")
    assert short.status_code == 422 and "at least 12" in short.text
    assert _set_password(client, link).status_code == 302
    assert client.get("/dashboard/").status_code == 200  # signed in by the link
    clock.advance(29 * 60)
    assert client.get("/dashboard/").status_code == 200  # activity keeps it alive
    clock.advance(31 * 60)
    expired = client.get("/dashboard/")
    assert expired.status_code == 302 and "/dashboard/sign-in" in expired.location
    assert "period of inactivity" in client.get(expired.location).text

    assert _sign_in(client, "ANN@example.com").status_code == 302
    token = _token(client, "/dashboard/")
    assert (
        client.post("/dashboard/sign-out", data={"csrf_token": token}).status_code
        == 302
    )
    assert client.get("/dashboard/").status_code == 302


def test_the_dashboard_never_answers_500_and_the_api_needs_no_csrf(client, merchant):
    nope = client.get("/dashboard/integration/credentials/nope/revoke")
    assert nope.status_code == 404 and "Page not found" in nope.text
    assert client.get("/dashboard/set-password/garbage").status_code == 200
    assert client.post("/dashboard/sign-in", data={}).status_code == 400
    site = {"name": "Two", "lightspeed_business_location_id": "2"}
    answer = client.post(f"{merchant.path}/sites", headers=merchant.admin, json=site)
    assert answer.status_code == 201
