"""GET /api/v1/me/export (a farmer's own data) and POST /api/v1/admin/farmers/{id}/erase."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from faunaschade.access import roles_required
from faunaschade.api.answers import commits
from faunaschade.extensions import db
from faunaschade.farmers import privacy
from faunaschade.models import Role
from faunaschade.schemas.base import LoadSchema

bp = Blueprint(
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


@bp.route("/me/export")
@roles_required(Role.FARMER)
@bp.response(200, ExportSchema)
def export():
    """All data held about the logged-in farmer, as JSON (AVG art. 15 and 20)."""
    return privacy.export_for(current_user)


@bp.route("/admin/farmers/<int:profile_id>/erase", methods=["POST"])
@roles_required(Role.ADMIN)
@commits
@bp.arguments(EraseSchema)
@bp.response(200, ErasureSchema)
def erase(data: dict, profile_id: int):
    """Erase a farmer's personal data after the retention period (admins; 409 before it)."""
    result = privacy.erase_farmer(
        privacy.farmer_by_id(profile_id), current_user, force=data["force"]
    )
    db.session.flush()  # @commits commits after the answer is built
    return result
