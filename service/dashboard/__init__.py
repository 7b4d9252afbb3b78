"""The merchant dashboard at /dashboard/: server-rendered pages on the ledger."""

from __future__ import annotations

import importlib
import importlib.util

from flask import Flask, redirect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from service.dashboard import errors
from service.dashboard.blueprint import bp
from service.dashboard.security import install_csrf

# Every module that adds pages to the blueprint; a page module still being written
# on another branch is simply absent.
PAGE_MODULES = (
    "auth_pages",
    "overview",
    "integration",
    "integration_credentials",
    "devices",
    "team",
    "cards",
    "exceptions",
    "reports",
)


def register(app: Flask) -> None:
    """Register the dashboard (and the API reference page, if present) on `app`."""
    for name in PAGE_MODULES:
        module = f"service.dashboard.{name}"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
    install_csrf(app)
    proxies = app.config["GIFTLEDGER"].trusted_proxies
    if proxies:
        # The client's address (the sign-in throttle) and scheme, as the proxy saw.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies
        )
    errors.install_not_found(app)
    app.register_blueprint(bp)
    if importlib.util.find_spec("service.dashboard.docs") is not None:
        docs = importlib.import_module("service.dashboard.docs")
        app.register_blueprint(docs.docs_bp)

    @app.get("/")
    def home() -> Response:
        """The service's front door is the dashboard."""
        return redirect("/dashboard/")
