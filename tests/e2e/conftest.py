"""Fixtures for HTTP tests: the real app on a fresh store, and a merchant set up.

Other areas reuse these: `app` (create_app on the `config` fixture's store, with
a not-found throttle too high to trip), `client`, `merchant` (a merchant with one
site, a POS token and a merchant-scoped admin token, made through the API) and
`token` (that merchant's POS bearer token).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Config
from tests.e2e.support import PLATFORM, MerchantSetup, set_up_merchant


@pytest.fixture
def app(config: Config) -> Iterator[Flask]:
    """The Flask app on a fresh store (both backends), throttle out of the way."""
    flask_app = create_app(replace(config, not_found_limit=100_000))
    yield flask_app
    flask_app.extensions["giftledger.ledger"].close()
    engine = flask_app.extensions.get("giftledger.read_engine")
    if engine is not None:
        engine.dispose()  # its pooled connections, at once (not at garbage collection)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def platform() -> dict[str, str]:
    """Headers of the platform admin (GIFTLEDGER_ADMIN_TOKEN of the config)."""
    return dict(PLATFORM)


@pytest.fixture
def merchant(client: FlaskClient) -> MerchantSetup:
    """A GBP merchant with one site, a POS token and its own admin token."""
    return set_up_merchant(client, "Bistro", "GBP", "40570261078018")


@pytest.fixture
def token(merchant: MerchantSetup) -> str:
    """The merchant's POS bearer token."""
    return merchant.pos_token
