"""The `giftledger` command: serve, init-db and the operator scripts."""

from __future__ import annotations

import os

import click

from service.config import Config


@click.group()
def cli() -> None:
    """giftledger: an event-sourced gift-card ledger."""


@cli.command("init-db")
def init_db_command() -> None:
    """Create the event store and read-model tables."""
    from scripts.init_db import init_db

    init_db(Config.from_env())
    click.echo("giftledger: tables ready", err=True)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("PORT", "8000")), type=int)
@click.option("--workers", default=lambda: int(os.environ.get("WORKERS", "2")))
@click.option("--threads", default=4, show_default=True)
@click.option("--with-projector", is_flag=True, help="Run the projector beside.")
def serve_command(
    host: str, port: int, workers: int, threads: int, with_projector: bool
) -> None:
    """Serve the API under gunicorn."""
    from scripts.serve import serve
    from scripts.store import require_store

    require_store(Config.from_env())
    raise SystemExit(serve(host, port, workers, threads, with_projector))


def _register_groups() -> None:
    from scripts.admin_cli import credentials, merchants, users
    from scripts.chain_cli import add_chain_commands
    from scripts.projection_cli import audit, projections

    add_chain_commands(audit)

    for group in (merchants, credentials, users, projections, audit):
        cli.add_command(group)


def main() -> None:
    """Console entry point."""
    _register_groups()
    cli()
