"""The dashboard blueprint, its navigation and the hooks every page runs through."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request
from werkzeug.wrappers import Response

from service.dashboard import money_format, positions, security, session

bp = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/dashboard",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
# (endpoint, label, roles that see it); an endpoint not (yet) registered is left out.
NAV = (
    ("dashboard.overview", "Overview", session.ANYONE),
    ("dashboard.cards", "Cards", session.ANYONE),
    ("dashboard.exceptions", "Receipt exceptions", session.ANYONE),
    ("dashboard.reports", "Reports", session.ANYONE),
    ("dashboard.integration", "Lightspeed integration", session.MONEY),
    ("dashboard.team", "Team", session.OWNER),
)


@bp.before_request
def _before() -> Response | None:
    security.protect_form()
    session.load_user()
    if request.method == "GET":
        positions.wait_for_own_writes()
    return None


@bp.after_request
def _after(response: Response) -> Response:
    positions.remember_own_writes()
    return security.apply_headers(response)


@bp.app_template_filter("money")
def _money(minor: int | None, currency: str) -> str:
    return money_format.format_money(minor, currency)


@bp.context_processor
def _navigation() -> dict[str, Any]:
    user = session.current_user(required=False)
    links = []
    if user is not None:
        known = current_app.view_functions
        links = [
            (endpoint, label)
            for endpoint, label, roles in NAV
            if endpoint in known and user.role in roles
        ]
    return {"nav_links": links, "user": user, "endpoint": request.endpoint}
