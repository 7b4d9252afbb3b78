"""`giftledger merchants ...` and `giftledger credentials ...`: thin ledger calls.

Each command builds the ledger from the environment (DATABASE_URL), runs one
command and prints JSON on stdout, shaped like the admin API's answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from uuid import UUID

import click
from marshmallow import Schema

from domain.errors import LedgerError
from domain.ledger import Ledger
from domain.users import ROLES
from scripts.store import require_store
from service.admin.merchants import merchant_view
from service.admin.schemas import (
    CredentialIssuedSchema,
    CredentialList,
    MerchantSchema,
)
from service.config import Config, ledger_env
from service.http.answers import credential_answer, credential_items
from service.http.users import link_for
from service.store.ledger import StoredLedger

T = TypeVar("T")


@contextmanager
def _ledger() -> Iterator[Ledger]:
    config = Config.from_env()
    require_store(config)
    ledger = StoredLedger(env=ledger_env(config))
    try:
        yield ledger
    except LedgerError as error:
        raise click.ClickException(f"{error.code}: {error.detail}") from None
    finally:
        ledger.close()


def _run(command: Callable[[Ledger], T]) -> T:
    with _ledger() as ledger:
        return command(ledger)


def _echo(schema: Schema, data: Any) -> None:
    click.echo(json.dumps(schema.dump(data), indent=2, sort_keys=True))


def _uuid(value: str, what: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise click.BadParameter(f"{what} must be a UUID") from None


@click.group("merchants")
def merchants() -> None:
    """Register and inspect merchants."""


@merchants.command("create")
@click.option("--name", required=True, help="The merchant's name.")
@click.option("--currency", required=True, help="ISO 4217 code, e.g. GBP.")
def create_merchant(name: str, currency: str) -> None:
    """Register a merchant; prints its id."""
    merchant = _run(lambda ledger: ledger.register_merchant(name, currency))
    _echo(MerchantSchema(), merchant_view(merchant))


@merchants.command("add-site")
@click.option("--merchant", "merchant_id", required=True, help="Merchant id.")
@click.option("--name", required=True, help="The site's name.")
@click.option("--location", required=True, help="Lightspeed businessLocationId.")
def add_site(merchant_id: str, name: str, location: str) -> None:
    """Map a Lightspeed business location to a new site of a merchant."""
    mid = _uuid(merchant_id, "--merchant")

    def command(ledger: Ledger) -> Any:
        ledger.add_site(mid, name, location)
        return ledger.merchant(mid)

    _echo(MerchantSchema(), merchant_view(_run(command)))


@click.group("credentials")
def credentials() -> None:
    """Issue, list and revoke credentials."""


@credentials.command("issue")
@click.option("--merchant", "merchant_id", required=True, help="Merchant id.")
@click.option("--kind", required=True, type=click.Choice(["webhook", "pos", "admin"]))
def issue_credential(merchant_id: str, kind: str) -> None:
    """Issue a credential; its secret is printed this once."""
    mid = _uuid(merchant_id, "--merchant")
    credential, username, secret = _run(
        lambda ledger: ledger.issue_credential(mid, kind)
    )
    _echo(CredentialIssuedSchema(), credential_answer(credential, username, secret))
    click.echo("giftledger: store the secret now; it is never shown again", err=True)


@credentials.command("revoke")
@click.option("--merchant", "merchant_id", required=True, help="Merchant id.")
@click.option("--credential", "credential_id", required=True, help="Credential id.")
def revoke_credential(merchant_id: str, credential_id: str) -> None:
    """Revoke a credential; it stops working at once."""
    mid = _uuid(merchant_id, "--merchant")
    cid = _uuid(credential_id, "--credential")
    _run(lambda ledger: ledger.revoke_credential(mid, cid))
    click.echo(f"giftledger: credential {cid} revoked", err=True)


@credentials.command("list")
@click.option("--merchant", "merchant_id", required=True, help="Merchant id.")
def list_credentials(merchant_id: str) -> None:
    """List a merchant's credentials (never their secrets)."""
    mid = _uuid(merchant_id, "--merchant")
    merchant = _run(lambda ledger: ledger.merchant(mid))
    _echo(CredentialList(), credential_items(merchant.credentials))


@click.group("users")
def users() -> None:
    """A merchant's dashboard users."""


@users.command("create-owner")
@click.option("--merchant", "merchant_id", required=True, help="Merchant id.")
@click.option("--email", required=True, help="The owner's e-mail address.")
@click.option(
    "--role", default="owner", type=click.Choice(ROLES), help="Default: owner."
)
def create_owner(merchant_id: str, email: str, role: str) -> None:
    """Invite a merchant's owner; prints the one-time set-password link (24 h)."""
    mid = _uuid(merchant_id, "--merchant")
    config = Config.from_env()
    user, token = _run(lambda ledger: ledger.invite_user(mid, email, role, "cli"))
    click.echo(link_for(config.public_url, user, token))
    click.echo(
        f"giftledger: open the link within 24 hours to set {user.email}'s password",
        err=True,
    )
