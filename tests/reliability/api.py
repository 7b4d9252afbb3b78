"""A small HTTP client for the suite: answers, lost answers and problem checks."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests

from tests.bench.seed import Merchant

PROBLEM = "application/problem+json"


class Lost(Exception):
    """The request may or may not have been applied: no answer came back."""


@dataclass(frozen=True)
class Answer:
    """One HTTP answer."""

    status: int
    body: Any
    headers: dict[str, str]
    seconds: float

    @property
    def ok(self) -> bool:
        """A 2xx."""
        return 200 <= self.status < 300

    @property
    def code(self) -> str | None:
        """The problem code of an error answer."""
        return self.body.get("code") if isinstance(self.body, dict) else None

    def problem_fault(self) -> str | None:
        """Why an error answer is not a proper problem+json, or None."""
        kind = self.headers.get("Content-Type", "")
        if not kind.startswith(PROBLEM):
            return f"{self.status} with Content-Type {kind!r}"
        fields = ("type", "title", "status", "detail", "code")
        if not isinstance(self.body, dict) or any(f not in self.body for f in fields):
            return f"{self.status} problem without {fields}: {self.body!r:.200}"
        if self.status == 503 and "Retry-After" not in self.headers:
            return "503 without Retry-After"
        return None


class Api:
    """One client: its own keep-alive session, the merchant's credentials."""

    def __init__(self, base_url: str, merchant: Merchant, timeout: float = 15) -> None:
        self.base = base_url
        self.merchant = merchant
        self.timeout = timeout
        self.session = requests.Session()
        self.auth = {
            "pos": f"Bearer {merchant.pos_token}",
            "admin": f"Bearer {merchant.admin_token}",
            "webhook": f"Basic {merchant.webhook_basic}",
        }

    def send(
        self, method: str, path: str, body: Any = None, *, auth: str = "pos",
        key: str | None = None, headers: dict[str, str] | None = None,
        data: bytes | None = None,
    ) -> Answer:  # fmt: skip
        """Send a request; raise Lost when no answer comes back."""
        sent = {"Authorization": self.auth[auth]} if auth else {}
        if key is not None:
            sent["Idempotency-Key"] = key
        sent.update(headers or {})
        started = time.monotonic()
        try:
            response = self.session.request(
                method, self.base + path, json=body if data is None else None,
                data=data, headers=sent, timeout=(3, self.timeout),
            )  # fmt: skip
        except requests.RequestException as error:
            # A dead keep-alive connection: the next request opens a new one.
            self.session.close()
            raise Lost(type(error).__name__) from error
        try:
            parsed = response.json()
        except ValueError:
            parsed = response.text
        return Answer(
            response.status_code, parsed, dict(response.headers),
            time.monotonic() - started,
        )  # fmt: skip

    def card(self, code: str) -> Answer:
        """GET /v1/pos/cards/{code}: the aggregate, always current."""
        return self.send("GET", f"/v1/pos/cards/{code}")
