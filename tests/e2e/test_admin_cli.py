"""The `giftledger merchants|credentials` commands, against the app's own store."""

from __future__ import annotations

import json

from click.testing import CliRunner

from scripts.cli import _register_groups, cli
from tests.e2e.support import bearer


def run(config, *args: str) -> dict:
    _register_groups()
    result = CliRunner().invoke(
        cli, list(args), env={"DATABASE_URL": config.database_url}
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if result.stdout.strip() else {}


def test_a_merchant_and_its_credentials_are_managed_from_the_cli(app, client, config):
    merchant = run(
        config, "merchants", "create", "--name", "Bistro", "--currency", "GBP"
    )
    mid = merchant["merchant_id"]
    site = run(config, "merchants", "add-site", "--merchant", mid, "--name", "Main",
               "--location", "555")  # fmt: skip
    assert site["sites"][0]["lightspeed_business_location_id"] == "555"
    issued = run(config, "credentials", "issue", "--merchant", mid, "--kind", "admin")
    assert issued["kind"] == "admin" and "." in issued["secret"]

    own = client.get(f"/v1/merchants/{mid}", headers=bearer(issued["secret"]))
    assert own.status_code == 200 and own.json["name"] == "Bistro"

    listed = run(config, "credentials", "list", "--merchant", mid)["items"]
    assert [i["credential_id"] for i in listed] == [issued["credential_id"]]
    assert issued["secret"].partition(".")[2] not in json.dumps(listed)

    run(config, "credentials", "revoke", "--merchant", mid,
        "--credential", issued["credential_id"])  # fmt: skip
    gone = client.get(f"/v1/merchants/{mid}", headers=bearer(issued["secret"]))
    assert gone.status_code == 401


def test_cli_errors_are_messages_not_tracebacks(app, config):
    _register_groups()
    env = {"DATABASE_URL": config.database_url}
    bad = CliRunner().invoke(
        cli, ["merchants", "create", "--name", "X", "--currency", "XYZ"], env=env
    )
    assert bad.exit_code == 1 and "invalid_currency" in bad.output
    missing = CliRunner().invoke(
        cli, ["credentials", "list", "--merchant",
              "00000000-0000-0000-0000-000000000000"], env=env,
    )  # fmt: skip
    assert missing.exit_code == 1 and "merchant_not_found" in missing.output
    not_uuid = CliRunner().invoke(
        cli, ["credentials", "list", "--merchant", "x"], env=env
    )
    assert not_uuid.exit_code == 2
