"""GET /pos-extension/: one server-rendered page; the script does the rest."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from service.http.openapi import documented

bp = Blueprint(
    "pos_extension",
    __name__,
    url_prefix="/pos-extension",
    template_folder="templates",
    static_folder="static",
)
# No inline script or style anywhere: everything comes from this origin's files.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *"
)


@bp.get("/")
@documented(responses={200: None}, auth="none", tags=["pos-extension"])
def page() -> Response:
    """The POS web extension page (HTML): check a balance, redeem, pair this iPad."""
    response = Response(render_template("pos_extension/index.html"))
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"
    return response
