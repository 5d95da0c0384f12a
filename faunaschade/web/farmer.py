"""The farmer's pages: register, parcels, claims (same services as the API)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from faunaschade import validators
from faunaschade.access import (
    claims_in_scope,
    get_attachment_in_scope_or_404,
    get_claim_in_scope_or_404,
    login_required,
    roles_required,
)
from faunaschade.audit.timeline import timeline
from faunaschade.claims import attachments, livestock
from faunaschade.claims import leges as payments
from faunaschade.claims import operations as claims
from faunaschade.clock import AMSTERDAM
from faunaschade.decisions.operations import decision_view
from faunaschade.downloads import send_attachment
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.farmers import operations as farmers
from faunaschade.models import Claim, Letter, Role
from faunaschade.schemas.claims import ClaimInSchema, LivestockClaimInSchema
from faunaschade.schemas.farmers import ParcelSchema, RegisterSchema
from faunaschade.security import registration_limit
from faunaschade.web.formdata import (
    claim_form_data,
    load,
    parcel_row_errors,
    present,
    service_errors,
    whole_number,
)
from faunaschade.web.vocab import vocabulary

bp = Blueprint("farmer", __name__)
farmer_only = roles_required(Role.FARMER)
#: Who is warned when a farmer's KvK number is also on another account.
CHECKERS = (Role.OFFICER, Role.AUDITOR)


@bp.route("/registreren", methods=["GET", "POST"])
@registration_limit
def register():
    """Sign up as a farmer, then log in (the same answer when the address has an account)."""
    errors: dict[str, list[str]] = {}
    values = present(request.form, *RegisterSchema().fields)
    if request.method == "POST":
        data, errors = load(RegisterSchema(), values)
        if data is not None:
            try:
                farmers.register_farmer(data)
            except ValidationFailed as exc:
                db.session.rollback()
                errors = service_errors(exc)
            else:
                db.session.commit()
                flash(farmers.REGISTRATION_RECEIVED, "success")
                return redirect(url_for("web.login", next=url_for("farmer.parcels")))
    values.pop("password", None)
    return render_template(
        "farmer/register.html", errors=errors, values=values
    ), 422 if errors else 200


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
    values: dict[str, Any] = present(form, "name", "area_ha", "crop", "tenure")
    if "area_ha" in values:
        values["area_ha"] = values["area_ha"].replace(",", ".")
    raw = form.get("geometry", "").strip()
    if not raw:
        values["geometry"] = None
        return values, {}
    if len(raw) > validators.MAX_GEOMETRY_BYTES:
        limit = validators.MAX_GEOMETRY_BYTES // 1000
        message = f"De geometrie is groter dan {limit} kB. Vereenvoudig de omtrek."
        return values, {"geometry": [message]}
    try:
        values["geometry"] = json.loads(raw)
    except json.JSONDecodeError:
        return values, {"geometry": ["Dit is geen geldige GeoJSON (JSON kon niet worden gelezen)."]}
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
            if parcel is None:
                farmers.add_parcel(profile, data, current_user)
            else:
                farmers.edit_parcel(parcel, data, current_user)
            db.session.commit()
            flash(f"Perceel '{data['name']}' is opgeslagen.", "success")
            return redirect(url_for("farmer.parcels"))
        values["geometry"] = request.form.get("geometry", "")
    elif parcel is not None:
        values = {
            "name": parcel.name,
            "area_ha": parcel.area_ha,
            "crop": parcel.crop,
            "tenure": parcel.tenure.value,
            "geometry": json.dumps(parcel.geometry) if parcel.geometry else "",
        }
    else:
        values = {"tenure": "own"}
    return render_template(
        "farmer/parcel_form.html", parcel=parcel, values=values, errors=errors, **vocabulary()
    ), 422 if errors else 200


@bp.route("/aanvragen")
@login_required
def claim_list():
    """The farmer's claims (officers and auditors: those of their provinces)."""

    items = db.session.scalars(
        claims_in_scope(current_user).order_by(Claim.id.desc()).limit(200)
    ).all()
    return render_template("claims/list.html", claims=items, **vocabulary())


def _claim_values(claim: Any) -> dict[str, Any]:
    rows = {p.parcel_id: p for p in claim.parcels}
    return {
        "province": claim.province,
        "crop": claim.crop,
        "discovered_on": claim.discovered_on.isoformat(),
        "species": [s.species for s in claim.species],
        "preventive_measures": claim.preventive_measures,
        "description": claim.description,
        "rows": {
            pid: {"damaged_area_ha": r.damaged_area_ha, "area_type": r.area_type.value}
            for pid, r in rows.items()
        },
    }


def _form_values(form: Any, data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    values["rows"] = {line["parcel_id"]: line for line in data.get("parcels", [])}
    return values


@bp.route("/aanvragen/nieuw", methods=["GET", "POST"], defaults={"claim_id": None})
@bp.route("/aanvragen/<int:claim_id>/bewerken", methods=["GET", "POST"])
@farmer_only
def claim_form(claim_id: int | None):
    """File a new claim or edit a draft."""
    profile = farmers.profile_of(current_user)
    claim = get_claim_in_scope_or_404(claim_id) if claim_id else None
    own_parcels = sorted(profile.parcels, key=lambda p: p.name.lower())
    errors: dict[str, Any] = {}
    values: dict[str, Any] = (
        _claim_values(claim) if claim else {"rows": {}, "species": [], "preventive_measures": []}
    )
    if request.method == "POST":
        data = claim_form_data(request.form, [p.id for p in own_parcels])
        values = _form_values(request.form, data)
        loaded, errors = load(ClaimInSchema(), data)
        if loaded is not None:
            try:
                if claim is None:
                    claim = claims.create_claim(profile, loaded, current_user)
                else:
                    claims.update_claim(claim, loaded, current_user)
            except (ValidationFailed, Conflict) as exc:
                db.session.rollback()
                errors = (
                    exc.fields
                    if isinstance(exc, ValidationFailed) and exc.fields
                    else {"_schema": [exc.message]}
                )
            else:
                db.session.commit()
                flash(
                    "De aanvraag is opgeslagen als concept. "
                    "U kunt foto's toevoegen en daarna indienen.",
                    "success",
                )
                return redirect(url_for("farmer.claim_detail", claim_id=claim.id))
        errors = parcel_row_errors(errors, data)
    return render_template(
        "claims/form.html",
        claim=claim,
        parcels=own_parcels,
        values=values,
        errors=errors,
        **vocabulary(),
    ), 422 if errors else 200


@bp.route("/aanvragen/<int:claim_id>")
@login_required
def claim_detail(claim_id: int):
    """Status, deadlines, timeline, attachments and letters of one claim."""
    claim = get_claim_in_scope_or_404(claim_id)

    letters = db.session.scalars(
        db.select(Letter).where(Letter.claim_id == claim.id).order_by(Letter.id)
    ).all()
    return render_template(
        "claims/detail.html",
        claim=claim,
        deadlines=claims.deadlines(claim),
        warnings=claims.warnings(claim),
        timeline=timeline(claim),
        letters=letters,
        decision_view=decision_view(claim),
        # Officers and auditors only: the farmer must not learn of another account's KvK.
        kvk_shared=farmers.sharing_kvk(claim.farmer) if current_user.role in CHECKERS else [],
        **vocabulary(),
    )


@bp.route("/aanvragen/<int:claim_id>/bijlagen", methods=["POST"])
@farmer_only
def upload(claim_id: int):
    """Add a photo or PDF."""
    claim = get_claim_in_scope_or_404(claim_id)
    file = request.files.get("file")
    try:
        if file is None or not file.filename:
            raise ValidationFailed(fields={"file": ["Kies eerst een bestand."]})
        attachments.add_attachment(claim, file.filename, file.read(), current_user)
    except (ValidationFailed, Conflict) as exc:
        db.session.rollback()
        flash(
            " ".join(m for msgs in service_errors(exc).values() for m in msgs)
            if isinstance(exc, ValidationFailed)
            else exc.message,
            "error",
        )
    else:
        db.session.commit()
        flash(f"Bestand '{file.filename}' is toegevoegd.", "success")
    return redirect(url_for("farmer.claim_detail", claim_id=claim.id) + "#bijlagen")


@bp.route("/aanvragen/<int:claim_id>/bijlagen/<int:attachment_id>")
@login_required
def attachment(claim_id: int, attachment_id: int):
    """Download an attachment (only in scope)."""
    return send_attachment(get_attachment_in_scope_or_404(claim_id, attachment_id))


@bp.route("/aanvragen/<int:claim_id>/indienen", methods=["GET", "POST"])
@farmer_only
def submit(claim_id: int):
    """Confirm and submit; a late claim needs an explicit acknowledgement."""
    claim = get_claim_in_scope_or_404(claim_id)
    late = claims.is_late(claim)
    error = None
    if request.method == "POST":
        try:
            claims.submit_claim(
                claim, current_user, acknowledge_late=bool(request.form.get("acknowledge_late"))
            )
        except (Conflict, ValidationFailed) as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            if claim.leges > 0:
                flash(
                    "Uw aanvraag is ingediend. Betaal nu de leges; "
                    "pas daarna gaat de aanvraag in behandeling.",
                    "success",
                )
            else:
                flash("Uw aanvraag is ingediend en in behandeling.", "success")
            return redirect(url_for("farmer.claim_detail", claim_id=claim.id))
    return render_template(
        "claims/submit.html",
        claim=claim,
        late=late,
        error=error,
        warnings=claims.warnings(claim),
        **vocabulary(),
    ), 409 if error else 200


@bp.route("/aanvragen/<int:claim_id>/intrekken", methods=["POST"])
@farmer_only
def withdraw(claim_id: int):
    """Withdraw the claim."""
    claim = get_claim_in_scope_or_404(claim_id)
    try:
        claims.withdraw_claim(claim, current_user)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash("De aanvraag is ingetrokken.", "success")
    return redirect(url_for("farmer.claim_detail", claim_id=claim.id))


@bp.route("/aanvragen/<int:claim_id>/betalen", methods=["POST"])
@farmer_only
def pay(claim_id: int):
    """Start paying the leges at the provider."""
    claim = get_claim_in_scope_or_404(claim_id)
    try:
        _, redirect_url = payments.start_payment(claim, current_user)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("farmer.claim_detail", claim_id=claim.id))
    db.session.commit()
    return redirect(redirect_url)


@bp.route("/aanvragen/wolf", methods=["GET", "POST"])
@farmer_only
def livestock_report():
    """Report animals killed or injured by a wolf or golden jackal."""

    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = present(
        request.form, "province", "discovered_on", "discovered_time", "animals", "description"
    )
    values["species"] = request.form.getlist("species")
    if request.method == "POST":
        data = {k: values[k] for k in ("province", "description") if k in values}
        data["species"] = values["species"]
        data["animals"] = whole_number(values.get("animals")) or -1
        if values.get("discovered_on") and values.get("discovered_time"):
            local = f"{values['discovered_on']}T{values['discovered_time']}"
            try:
                moment = datetime.fromisoformat(local).replace(tzinfo=AMSTERDAM)
                data["discovered_at"] = moment.isoformat()
            except ValueError:
                errors["discovered_on"] = ["Geef een geldige datum en tijd."]
        loaded, schema_errors = load(LivestockClaimInSchema(), data)
        errors = errors or schema_errors
        if "discovered_at" in errors:
            errors["discovered_on"] = errors.pop("discovered_at")
        if loaded is not None and not errors:
            try:
                claim = livestock.report_livestock_damage(
                    farmers.profile_of(current_user), loaded, current_user
                )
            except ValidationFailed as exc:
                db.session.rollback()
                errors = service_errors(exc)
            else:
                db.session.commit()
                flash("Uw melding is ontvangen. Voeg nu foto's van de dieren toe.", "success")
                return redirect(url_for("farmer.claim_detail", claim_id=claim.id))
    return render_template(
        "claims/livestock_form.html", values=values, errors=errors, **vocabulary()
    ), 422 if errors else 200
