"""Settings from the environment, and the event-store settings derived from them."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_DATABASE_URL = "sqlite:///var/giftledger.db"
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Config:
    """Everything the app factory needs; built from the environment by default."""

    database_url: str = DEFAULT_DATABASE_URL
    admin_token: str | None = None
    pool_size: int = 4
    max_overflow: int = 4
    create_tables: bool = False
    max_body_bytes: int = MAX_BODY_BYTES
    not_found_limit: int = 30
    not_found_window_seconds: float = 60.0
    clock: Callable[[], datetime] | None = None
    # Production (from_env) watches PostgreSQL to answer 503 at once while it is down.
    watch_database: bool = False
    extra_env: Mapping[str, str] = field(default_factory=dict)
    # The dashboard: where people reach it (links, and Secure cookies on https),
    # the session-signing key (None: a key file under var/, one node only), the
    # idle timeout and the sign-in throttle (per account, per address, per window).
    public_url: str = "http://127.0.0.1:8000"
    secret_key: str | None = None
    session_idle_seconds: int = 30 * 60
    sign_in_account_limit: int = 5
    sign_in_address_limit: int = 20
    sign_in_window_seconds: int = 15 * 60
    # Proxies in front that set X-Forwarded-For/-Proto (0: clients connect directly).
    trusted_proxies: int = 0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Config:
        """Read DATABASE_URL, GIFTLEDGER_ADMIN_TOKEN and the pool settings."""
        return cls(
            database_url=environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            admin_token=environ.get("GIFTLEDGER_ADMIN_TOKEN") or None,
            pool_size=int(environ.get("GIFTLEDGER_POOL_SIZE", "4")),
            max_overflow=int(environ.get("GIFTLEDGER_MAX_OVERFLOW", "4")),
            create_tables=environ.get("GIFTLEDGER_CREATE_TABLES", "n") == "y",
            watch_database=True,
            public_url=environ.get("GIFTLEDGER_PUBLIC_URL", "http://127.0.0.1:8000"),
            secret_key=environ.get("GIFTLEDGER_SECRET_KEY") or None,
            session_idle_seconds=int(environ.get("GIFTLEDGER_SESSION_IDLE", "1800")),
            sign_in_account_limit=int(environ.get("GIFTLEDGER_SIGN_IN_LIMIT", "5")),
            trusted_proxies=int(environ.get("GIFTLEDGER_TRUSTED_PROXIES", "0")),
        )

    @property
    def https(self) -> bool:
        """True when people reach the service over https (cookies are Secure)."""
        return self.public_url.startswith("https://")

    @property
    def is_postgres(self) -> bool:
        """True when the events live in PostgreSQL."""
        return self.database_url.startswith(("postgresql", "postgres"))


def ledger_env(config: Config) -> dict[str, str]:
    """The eventsourcing library's settings for DATABASE_URL."""
    url = urlsplit(config.database_url)
    create = "y" if config.create_tables else "n"
    if url.scheme == "sqlite":
        path = url.path[1:] if url.path.startswith("/") else url.path
        if not path or path == ":memory:":
            raise ValueError("use a SQLite file; an in-memory store loses every event")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "10",
            "CREATE_TABLE": create,
        }
    elif url.scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            # One round trip per save and per multi-aggregate fast-forward.
            "APPLICATION_RECORDER_TOPIC": "service.store.pg_store:LedgerRecorder",
            "POSTGRES_DBNAME": url.path.lstrip("/"),
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_POOL_SIZE": str(config.pool_size),
            "POSTGRES_MAX_OVERFLOW": str(config.max_overflow),
            # Also the wait for a pooled connection: bounded, so an outage fails fast.
            "POSTGRES_CONNECT_TIMEOUT": "2",
            "POSTGRES_MAX_WAITING": "0",
            "POSTGRES_LOCK_TIMEOUT": "5",
            # No ping per checkout (a round trip each, ~4 per request): a connection
            # broken by a restart fails, the store retries on a fresh one, and
            # service/store/breaker.py answers 503 while the database is away.
            "POSTGRES_PRE_PING": "n",
            "CREATE_TABLE": create,
        }
    else:
        raise ValueError(f"unsupported DATABASE_URL scheme {url.scheme!r}")
    return {**env, **config.extra_env}


DEFAULT_CHAIN_KEY = "var/chain-key.pem"


def chain_key_path(environ: Mapping[str, str] = os.environ) -> Path:
    """GIFTLEDGER_CHAIN_KEY: the checkpoint signing key (its public half at .pub)."""
    return Path(environ.get("GIFTLEDGER_CHAIN_KEY") or DEFAULT_CHAIN_KEY)
