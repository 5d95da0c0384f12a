"""The farmer's own pages: register, parcels, and the download of all data held about them."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from faunaschade import validators
from faunaschade.access import roles_required
from faunaschade.claims.attachments import safe_filename
from faunaschade.errors import AppError, ValidationFailed
from faunaschade.farmers import imports, privacy
from faunaschade.farmers import operations as farmers
from faunaschade.models import Role
from faunaschade.schemas.farmers import ParcelImportConfirmSchema, ParcelSchema, RegisterSchema
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


@bp.route("/percelen/importeren", methods=["GET", "POST"])
@farmer_only
def parcel_import():
    """Upload RVO's parcel file; then (?bestand=token) the parcels found, to pick from."""
    profile = farmers.profile_of(current_user)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        file = request.files.get("file")
        if file is None or not file.filename:
            errors = {"file": [_("Kies een bestand.")]}
        else:
            outcome = run(
                lambda: imports.read_parcel_file(
                    profile, safe_filename(file.filename), file.read(), current_user
                ),
                redirect=lambda found: url_for("farmers_web.parcel_import", bestand=found.token),
                expected=ValidationFailed,
            )
            if not isinstance(outcome, Failed):
                return outcome
            errors = outcome.fields
    elif token := request.args.get("bestand"):
        return _import_choice(imports.import_of(profile, token[:64]), {}, {})
    page = render_template("farmer/parcel_import.html", found=None, errors=errors, **vocabulary())
    return page, 422 if errors else 200


def _import_choice(found: Any, errors: dict[str, list[str]], form: Any):
    """The parcels of an uploaded file with a checkbox each (and crop, tenure)."""
    page = render_template(
        "farmer/parcel_import.html",
        found=found,
        expires_at=imports.expires_at(found),
        errors=errors,
        form=form,
        **vocabulary(),
    )
    return page, 422 if errors else 200


def _chosen(form: Any, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """The rows ticked on the page as the confirm schema's parcels, and their row numbers."""
    picked = sorted({int(n) for n in form.getlist("kies") if n.isdigit() and int(n) < len(rows)})
    choices = []
    for n in picked:
        choice = {"id": rows[n]["id"], "tenure": form.get(f"tenure-{n}") or "own"}
        if form.get(f"crop-{n}"):
            choice["crop"] = form[f"crop-{n}"]
        choices.append(choice)
    return choices, picked


@bp.route("/percelen/importeren/bevestigen", methods=["POST"])
@farmer_only
def parcel_import_confirm():
    """Add the parcels ticked on the import page."""
    profile = farmers.profile_of(current_user)
    token = request.form.get("token", "").strip()
    if not token:
        raise ValidationFailed(fields={"token": [_("Lees eerst een perceelbestand in.")]})
    found = imports.import_of(profile, token[:64])
    choices, picked = _chosen(request.form, found.parcels)
    if not choices:
        return _import_choice(found, {"_schema": [_("Kies minstens één perceel.")]}, request.form)
    data, errors = load(ParcelImportConfirmSchema(), {"token": found.token, "parcels": choices})
    if data is not None:
        outcome = run(
            lambda: imports.add_chosen(profile, data["token"], data["parcels"], current_user),
            done=lambda parcels: _(
                "%(n)s percelen toegevoegd uit %(file)s.", n=len(parcels), file=found.file_name
            ),
            redirect=url_for("farmers_web.parcels"),
            expected=AppError,
        )
        if not isinstance(outcome, Failed):
            return outcome
        errors = outcome.fields
    # "parcels[2].crop" is the third parcel picked: shown on its row as "crop-<row>".
    shown = {}
    for field, messages in errors.items():
        if field.startswith("parcels["):
            index, _sep, name = field[len("parcels[") :].partition("].")
            if index.isdigit() and int(index) < len(picked):
                shown[f"{'crop' if name == 'crop' else 'kies'}-{picked[int(index)]}"] = messages
                continue
        shown[field] = messages
    return _import_choice(found, shown, request.form)


@bp.route("/mijn-gegevens.json")
@farmer_only
def export():
    """Everything held about the logged-in farmer, as a JSON download."""
    body = json.dumps(privacy.export_for(current_user), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers.set("Content-Disposition", "attachment", filename="mijn-gegevens.json")
    response.headers["Cache-Control"] = "private, no-store"
    return response
