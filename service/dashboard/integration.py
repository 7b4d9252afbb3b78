"""Lightspeed integration: sites and their business locations, and the settings."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from domain.errors import InvalidRequest, LedgerError
from domain.merchant import MAX_TTL, MIN_TTL, Merchant
from service.dashboard.blueprint import bp
from service.dashboard.errors import field_errors
from service.dashboard.session import MONEY, merchant_id, signed_in
from service.http.auth import ledger
from service.store import usage
from service.store.read_engine import read_engine

MAX_CODES, MAX_CODE_LENGTH = 100, 64
# A Lightspeed business location id, as the API takes it: 1 to 20 ASCII digits.
LOCATION_ID = re.compile(r"[0-9]{1,20}")


def webhook_url() -> str:
    """The exact address to paste into Lightspeed."""
    base = current_app.config["GIFTLEDGER"].public_url.rstrip("/")
    return str(base) + url_for("lightspeed_webhook.rtn")


def render_integration(
    status: int = 200,
    pairing_code: dict[str, Any] | None = None,
    pairing_error: str | None = None,
    **errors: Any,
) -> tuple[str, int]:
    """The integration page, with any form's errors and typed values kept."""
    mid = merchant_id()
    merchant = ledger().merchant(mid)
    seen = usage.last_used(read_engine(), str(mid))
    webhooks = [
        {**cred, "credential_id": cid,
         "last_used": seen.get(("credential", cred["username"]))}
        for cid, cred in merchant.credentials.items()
        if cred["kind"] == "webhook"
    ]  # fmt: skip
    page = render_template(
        "dashboard/integration.html",
        merchant=merchant,
        settings=errors.pop("settings_form", None) or _settings_form(merchant),
        webhooks=sorted(webhooks, key=lambda c: (c["revoked"], c["created_at"])),
        webhook_url=webhook_url(),
        min_ttl=MIN_TTL,
        max_ttl=MAX_TTL,
        errors=errors,
        devices=ledger().devices(mid),
        sites=[{"site_id": k, "name": v["name"]} for k, v in merchant.sites.items()],
        pairing_form_action=url_for("dashboard.create_pairing_code"),
        revoke_url=lambda device: url_for("dashboard.revoke_device", device_id=device),
        pairing_code=pairing_code,
        pairing_error=pairing_error,
    )
    return page, status


@bp.get("/integration")
@signed_in(*MONEY)
def integration() -> tuple[str, int]:
    """Sites, settings and webhook credentials."""
    return render_integration()


@bp.post("/integration/sites")
@signed_in(*MONEY)
def add_site() -> Response | tuple[str, int]:
    """Add a site mapped to a Lightspeed business location."""
    name = request.form.get("name", "").strip()
    location = request.form.get("location_id", "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Give the site a name."]
    if not LOCATION_ID.fullmatch(location):
        errors["location_id"] = [
            "Type the business location id from Lightspeed, like 40570261078018."
        ]
    if not errors:
        try:
            ledger().add_site(merchant_id(), name, location)
        except LedgerError as error:
            errors = field_errors(error)
            if "lightspeed_business_location_id" in errors:
                errors["location_id"] = errors.pop("lightspeed_business_location_id")
    if errors:
        return render_integration(422, site=errors, site_form={"name": name,
                                  "location_id": location})  # fmt: skip
    flash(f"Site {name} added.", "ok")
    return redirect(url_for("dashboard.integration") + "#sites")


@bp.post("/integration/sites/<site_id>")
@signed_in(*MONEY)
def rename_site(site_id: str) -> Response | tuple[str, int]:
    """Rename a site."""
    name = request.form.get("name", "").strip()
    try:
        ledger().rename_site(merchant_id(), site_id, name)
    except LedgerError as error:
        errors = field_errors(error)
        return render_integration(422, rename={site_id: errors})
    flash(f"Site renamed to {name}.", "ok")
    return redirect(url_for("dashboard.integration") + "#sites")


@bp.post("/integration/settings")
@signed_in(*MONEY)
def save_settings() -> Response | tuple[str, int]:
    """Replace the Lightspeed settings (the same command as the API's PUT)."""
    form = {k: request.form.get(k, "") for k in
            ("gift_card_skus", "payment_method_codes", "card_reference_prefix",
             "hold_ttl_seconds")}  # fmt: skip
    try:
        settings = parse_settings(form)
        ledger().configure_lightspeed(merchant_id(), settings)
    except LedgerError as error:
        return render_integration(422, settings_errors=field_errors(error),
                                  settings_form=form)  # fmt: skip
    flash("Lightspeed settings saved.", "ok")
    return redirect(url_for("dashboard.integration") + "#settings")


def parse_settings(form: dict[str, str]) -> dict[str, Any]:
    """The settings form as the ledger takes them; every bad field named."""
    errors: dict[str, list[str]] = {}
    settings: dict[str, Any] = {}
    for field in ("gift_card_skus", "payment_method_codes"):
        codes = list(dict.fromkeys(
            c.strip() for c in re.split(r"[\n,]", form[field]) if c.strip()
        ))  # fmt: skip
        if len(codes) > MAX_CODES:
            errors[field] = [f"At most {MAX_CODES} codes."]
        elif any(len(c) > MAX_CODE_LENGTH for c in codes):
            errors[field] = [f"Each code has at most {MAX_CODE_LENGTH} characters."]
        settings[field] = codes
    prefix = form["card_reference_prefix"].strip()
    if not prefix or len(prefix) > MAX_CODE_LENGTH:
        errors["card_reference_prefix"] = [
            f"Type the prefix (1 to {MAX_CODE_LENGTH} characters), like GIFTCARD."
        ]
    settings["card_reference_prefix"] = prefix
    ttl = form["hold_ttl_seconds"].strip()
    if not ttl.isdigit() or not MIN_TTL <= int(ttl) <= MAX_TTL:
        errors["hold_ttl_seconds"] = [
            f"Type a whole number of seconds from {MIN_TTL} to {MAX_TTL}"
            " (15 minutes is 900)."
        ]
    else:
        settings["hold_ttl_seconds"] = int(ttl)
    if errors:
        raise InvalidRequest("the Lightspeed settings are not valid", errors)
    return settings


def _settings_form(merchant: Merchant) -> dict[str, str]:
    ls = merchant.lightspeed
    return {
        "gift_card_skus": "\n".join(ls["gift_card_skus"]),
        "payment_method_codes": "\n".join(ls["payment_method_codes"]),
        "card_reference_prefix": ls["card_reference_prefix"],
        "hold_ttl_seconds": str(ls["hold_ttl_seconds"]),
    }
