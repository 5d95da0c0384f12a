"""POST /api/v1/register and the farmer's parcels."""

from __future__ import annotations

from flask import request
from flask_babel import gettext
from flask_login import current_user
from marshmallow import Schema, fields

from faunaschade.access import roles_required
from faunaschade.api.answers import commits
from faunaschade.api.blueprint import Blueprint
from faunaschade.api.idempotency import idempotent
from faunaschade.claims.attachments import safe_filename
from faunaschade.errors import ValidationFailed
from faunaschade.extensions import db
from faunaschade.farmers import imports, privacy
from faunaschade.farmers import operations as farmers
from faunaschade.models import Parcel, Role
from faunaschade.schemas.base import LoadSchema
from faunaschade.schemas.farmers import (
    ParcelImportConfirmSchema,
    ParcelImportSchema,
    ParcelOutSchema,
    ParcelPatchSchema,
    ParcelSchema,
    RegisterSchema,
    RegistrationReceivedSchema,
)
from faunaschade.security import registration_limit

bp = Blueprint("farmers", __name__, url_prefix="/api/v1", description="Farmers and parcels")
farmer_only = roles_required(Role.FARMER)


@bp.route("/register", methods=["POST"])
@registration_limit
@idempotent
@bp.arguments(RegisterSchema)
@bp.response(202, RegistrationReceivedSchema)
def register(data: dict) -> dict:
    """Register as a farmer (KvK, IBAN, address; never a BSN), then log in.

    The answer is the same when the address already has an account, so that nobody can test
    addresses here; the owner's attempt is recorded in the audit log.
    """
    farmers.register_farmer(data)
    db.session.flush()  # @idempotent commits with the answer
    # The shared message in the language asked for (?lang=en), as the API's other messages.
    return {"message": gettext(farmers.REGISTRATION_RECEIVED)}


@bp.route("/parcels", methods=["GET"])
@farmer_only
@bp.response(200, ParcelOutSchema(many=True))
def list_parcels():
    """The farmer's own parcels."""
    return sorted(farmers.profile_of(current_user).parcels, key=lambda p: p.name.lower())


@bp.route("/parcels", methods=["POST"])
@farmer_only
@idempotent
@bp.arguments(ParcelSchema)
@bp.response(201, ParcelOutSchema)
def create_parcel(data: dict) -> Parcel:
    """Add a parcel."""
    parcel = farmers.add_parcel(farmers.profile_of(current_user), data, current_user)
    db.session.flush()  # @idempotent commits with the answer
    return parcel


@bp.route("/parcels/import", methods=["POST"])
@farmer_only
@idempotent
@bp.response(201, ParcelImportSchema)
def import_parcels() -> dict:
    """Read RVO's parcel file (GML, Shapefile zip or GeoJSON) as multipart field `file`.

    Lists the parcels found (name, crop, area computed in RD New, province, problems); nothing
    is added until `POST /parcels/import/confirm` with the token and the ids picked.
    """
    file = request.files.get("file")
    if file is None:
        raise ValidationFailed(
            fields={"file": [gettext("Kies een bestand (multipart-veld 'file').")]}
        )
    found = imports.read_parcel_file(
        farmers.profile_of(current_user), safe_filename(file.filename), file.read(), current_user
    )
    db.session.flush()  # @idempotent commits with the answer
    return imports.preview(found)


@bp.route("/parcels/import/confirm", methods=["POST"])
@farmer_only
@idempotent
@bp.arguments(ParcelImportConfirmSchema)
@bp.response(201, ParcelOutSchema(many=True))
def confirm_import(data: dict) -> list[Parcel]:
    """Add the parcels picked from a file read by `POST /parcels/import` (all or none)."""
    parcels = imports.add_chosen(
        farmers.profile_of(current_user), data["token"], data["parcels"], current_user
    )
    db.session.flush()  # @idempotent commits with the answer
    return parcels


@bp.route("/parcels/<int:parcel_id>", methods=["GET"])
@farmer_only
@bp.response(200, ParcelOutSchema)
def get_parcel(parcel_id: int) -> Parcel:
    """One own parcel."""
    return farmers.parcel_of(farmers.profile_of(current_user), parcel_id)


@bp.route("/parcels/<int:parcel_id>", methods=["PATCH"])
@farmer_only
@commits
@bp.arguments(ParcelPatchSchema)
@bp.response(200, ParcelOutSchema)
def patch_parcel(data: dict, parcel_id: int) -> Parcel:
    """Change an own parcel."""
    parcel = farmers.parcel_of(farmers.profile_of(current_user), parcel_id)
    farmers.edit_parcel(parcel, data, current_user)
    db.session.flush()  # @commits commits after the answer is built
    return parcel


# -- GET /api/v1/me/export (a farmer's own data) and POST /api/v1/admin/farmers/{id}/erase --
privacy_bp = Blueprint(
    "privacy", __name__, url_prefix="/api/v1", description="Personal data: export and erasure"
)


class ExportSchema(Schema):
    """Everything held about the farmer (see faunaschade.farmers.privacy)."""

    format = fields.String(required=True)
    exported_at = fields.String(required=True)
    retention = fields.Dict(required=True)
    account = fields.Dict(required=True)
    profile = fields.Dict(required=True)
    parcels = fields.List(fields.Dict(), required=True)
    claims = fields.List(fields.Dict(), required=True)
    audit_events = fields.List(fields.Dict(), required=True)


class EraseSchema(LoadSchema):
    """POST /api/v1/admin/farmers/{id}/erase."""

    force = fields.Boolean(
        load_default=False,
        metadata={"description": "Erase before the retention period ends (audited)."},
    )


class ErasureSchema(Schema):
    """What the erasure did."""

    profile_id = fields.Integer(required=True)
    forced = fields.Boolean(required=True)
    retention_ends = fields.Date(required=True)
    files_deleted = fields.Integer(required=True)
    tokens_revoked = fields.Integer(required=True)


@privacy_bp.route("/me/export")
@roles_required(Role.FARMER)
@privacy_bp.response(200, ExportSchema)
def export():
    """All data held about the logged-in farmer, as JSON (AVG art. 15 and 20)."""
    return privacy.export_for(current_user)


@privacy_bp.route("/admin/farmers/<int:profile_id>/erase", methods=["POST"])
@roles_required(Role.ADMIN)
@commits
@privacy_bp.arguments(EraseSchema)
@privacy_bp.response(200, ErasureSchema)
def erase(data: dict, profile_id: int):
    """Erase a farmer's personal data after the retention period (admins; 409 before it)."""
    result = privacy.erase_farmer(
        privacy.farmer_by_id(profile_id), current_user, force=data["force"]
    )
    db.session.flush()  # @commits commits after the answer is built
    return result
