"""Helpers for the e2e tests of the dashboard's card, exception and report pages.

The real app through Flask's test client, a real projector thread beside it (the
pages read the projections), and users signed in through the real forms.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from projections.engines import make_engine
from projections.events import EventSource
from projections.runner import Projector
from service.store.read_engine import read_engine
from tests.e2e.support import PLATFORM, MerchantSetup, created
from tests.lightspeed_support import Webhook

PASSWORD = "correct horse battery staple 12"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def projector(app: Flask) -> Iterator[Projector]:
    """The projector following the app's event log in a thread, as in production."""
    config = app.config["GIFTLEDGER"]
    with app.app_context():
        read_engine()  # the app creates the tables first: SQLite allows one writer
    engine = make_engine(config.database_url, writer=True)
    running = Projector(engine, EventSource(app.extensions["giftledger.ledger"]))
    stop = threading.Event()
    thread = threading.Thread(target=running.run, args=(stop, 0.02), daemon=True)
    thread.start()
    yield running
    stop.set()
    thread.join(10)
    engine.dispose()


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


@dataclass
class Signed:
    """A signed-in dashboard client: its user and the token of its session."""

    client: FlaskClient
    email: str
    token: str

    def post(self, path: str, **data: str):  # type: ignore[no-untyped-def]
        """Post a form with this session's CSRF token."""
        return self.client.post(path, data={"csrf_token": self.token, **data})

    def get(self, path: str, **query: str):  # type: ignore[no-untyped-def]
        """GET a page."""
        return self.client.get(path, query_string=query)


def sign_up(
    app: Flask, merchant: MerchantSetup | Webhook, role: str, email: str
) -> Signed:
    """Invite a user through the admin API, set the password by its link (signed in)."""
    client = app.test_client()
    body = {"email": email, "role": role}
    users = f"/v1/merchants/{merchant.merchant_id}/users"
    invited = created(client.post(users, json=body, headers=PLATFORM))
    path = urlsplit(invited["set_password_url"]).path
    token = csrf_token(client.get(path).get_data(as_text=True))
    answer = client.post(
        path, data={"csrf_token": token, "password": PASSWORD, "confirm": PASSWORD}
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    page = client.get("/dashboard/cards")
    assert page.status_code == 200, page.status_code
    return Signed(client, email, csrf_token(page.get_data(as_text=True)))


def text(response) -> str:  # type: ignore[no-untyped-def]
    """A response's body as text."""
    return response.get_data(as_text=True)  # type: ignore[no-any-return]
