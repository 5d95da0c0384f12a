"""The farmer's own pages: register, parcels, and the download of all data held about them."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from faunaschade import validators
from faunaschade.access import roles_required
from faunaschade.errors import ValidationFailed
from faunaschade.farmers import operations as farmers
from faunaschade.farmers import privacy
from faunaschade.models import Role
from faunaschade.schemas.farmers import ParcelSchema, RegisterSchema
from faunaschade.security import registration_limit
from faunaschade.web.formdata import load, present
from faunaschade.web.use_case import Failed, run
from faunaschade.web.vocab import vocabulary

bp = Blueprint("farmers_web", __name__)
farmer_only = roles_required(Role.FARMER)


@bp.route("/registreren", methods=["GET", "POST"])
@registration_limit
def register():
    """Sign up as a farmer, then log in (the same answer when the address has an account)."""
    errors: dict[str, list[str]] = {}
    values = present(request.form, *RegisterSchema().fields)
    if request.method == "POST":
        data, errors = load(RegisterSchema(), values)
        if data is not None:
            outcome = run(
                lambda: farmers.register_farmer(data),
                done=_(farmers.REGISTRATION_RECEIVED),
                redirect=url_for("accounts_web.login", next=url_for("farmers_web.parcels")),
                expected=ValidationFailed,
            )
            if not isinstance(outcome, Failed):
                return outcome
            errors = outcome.fields
    # What was typed stays, the password too: it goes back only in this answer to the same
    # browser, over TLS, and is never stored by a cache (no-store).
    page = render_template("farmer/register.html", errors=errors, values=values)
    return page, 422 if errors else 200, {"Cache-Control": "no-store"}


@bp.route("/percelen")
@farmer_only
def parcels():
    """The farmer's parcels."""
    profile = farmers.profile_of(current_user)
    return render_template(
        "farmer/parcels.html",
        parcels=sorted(profile.parcels, key=lambda p: p.name.lower()),
        **vocabulary(),
    )


def _parcel_values(form: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    values: dict[str, Any] = present(form, "name", "area_ha", "crop", "province", "tenure")
    if "area_ha" in values:
        values["area_ha"] = values["area_ha"].replace(",", ".")
    raw = form.get("geometry", "").strip()
    if not raw:
        values["geometry"] = None
        return values, {}
    if len(raw) > validators.MAX_GEOMETRY_BYTES:
        limit = validators.MAX_GEOMETRY_BYTES // 1000
        message = _("De geometrie is groter dan %(limit)s kB. Vereenvoudig de omtrek.", limit=limit)
        return values, {"geometry": [message]}
    try:
        values["geometry"] = json.loads(raw)
    except json.JSONDecodeError:
        return values, {
            "geometry": [_("Dit is geen geldige GeoJSON (JSON kon niet worden gelezen).")]
        }
    return values, {}


@bp.route("/percelen/nieuw", methods=["GET", "POST"], defaults={"parcel_id": None})
@bp.route("/percelen/<int:parcel_id>/bewerken", methods=["GET", "POST"])
@farmer_only
def parcel_form(parcel_id: int | None):
    """Add or edit a parcel."""
    profile = farmers.profile_of(current_user)
    parcel = farmers.parcel_of(profile, parcel_id) if parcel_id else None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values, errors = _parcel_values(request.form)
        data, schema_errors = load(ParcelSchema(), values) if not errors else (None, {})
        errors = errors or schema_errors
        if data is not None:
            return run(
                lambda: (
                    farmers.add_parcel(profile, data, current_user)
                    if parcel is None
                    else farmers.edit_parcel(parcel, data, current_user)
                ),
                done=_("Perceel '%(name)s' is opgeslagen.", name=data["name"]),
                redirect=url_for("farmers_web.parcels"),
                expected=(),
            )
        values["geometry"] = request.form.get("geometry", "")
    elif parcel is not None:
        values = {
            "name": parcel.name,
            "area_ha": parcel.area_ha,
            "crop": parcel.crop,
            "province": parcel.province,
            "tenure": parcel.tenure.value,
            "geometry": json.dumps(parcel.geometry) if parcel.geometry else "",
        }
    else:
        values = {"tenure": "own"}
    return render_template(
        "farmer/parcel_form.html", parcel=parcel, values=values, errors=errors, **vocabulary()
    ), 422 if errors else 200


@bp.route("/mijn-gegevens.json")
@farmer_only
def export():
    """Everything held about the logged-in farmer, as a JSON download."""
    body = json.dumps(privacy.export_for(current_user), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers.set("Content-Disposition", "attachment", filename="mijn-gegevens.json")
    response.headers["Cache-Control"] = "private, no-store"
    return response
