"""/docs: the OpenAPI document rendered for people by the vendored Swagger UI."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from werkzeug.wrappers import Response

from service.dashboard.security import apply_headers

docs_bp = Blueprint(
    "apidocs",
    __name__,
    static_folder="docs_static",
    static_url_path="/docs/static",
    template_folder="templates",
)

# Swagger UI is scripts from this origin only; it fetches /openapi.json (and,
# for "Try it out", the API) from here, draws its icons as data: images and
# sets element styles from script, which needs style-src 'unsafe-inline'.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@docs_bp.get("/docs")
@docs_bp.get("/docs/")
def api_reference() -> Response:
    """The API reference page."""
    response = Response(render_template("dashboard/docs.html"), mimetype="text/html")
    return apply_headers(response, csp=DOCS_CSP)


@docs_bp.after_request
def docs_headers(response: Response) -> Response:
    """The docs' own CSP on its static files too."""
    return apply_headers(response, csp=DOCS_CSP)


def register(app: Flask) -> None:
    """Serve /docs on the app (outside /dashboard)."""
    app.register_blueprint(docs_bp)
