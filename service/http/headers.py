"""Headers every answer carries, and routing that never answers with a redirect."""

from __future__ import annotations

from flask import Flask, Response


def register_safe_headers(app: Flask) -> None:
    """No sniffing, no caching, and no redirect built from the request's Host."""
    # Werkzeug redirects `/a//b` and `/a` <-> `/a/` (308) to a Location built
    # from the Host header, echoing the path (a card code too): such a path is
    # matched as written, or is a 404, instead.
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False

    @app.after_request
    def safe_headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        # Answers are per credential, and many show a card code or a secret
        # (a generated code, a new credential): no answer is stored by a cache.
        response.headers.setdefault("Cache-Control", "no-store")
        return response
