"""Claims for farmers (own) and officers/auditors (their provinces)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from faunaschade.access import (
    claims_in_scope,
    get_attachment_in_scope_or_404,
    get_claim_in_scope_or_404,
    roles_required,
)
from faunaschade.api.answers import commits
from faunaschade.api.idempotency import idempotent
from faunaschade.claims import attachments
from faunaschade.claims import operations as claims
from faunaschade.clock import damage_year_bounds
from faunaschade.downloads import send_attachment
from faunaschade.errors import ValidationFailed
from faunaschade.extensions import db
from faunaschade.farmers import operations as farmers
from faunaschade.models import Attachment, Claim, ClaimParcel, ClaimSpecies, ClaimStatus, Role
from faunaschade.schemas.claims import (
    AttachmentOutSchema,
    ClaimInSchema,
    ClaimListQuerySchema,
    ClaimOutSchema,
    ClaimPageSchema,
    ClaimPatchSchema,
    SubmitSchema,
)

bp = Blueprint("claims", __name__, url_prefix="/api/v1/claims", description="Claims")
farmer_only = roles_required(Role.FARMER)
readers = roles_required(Role.FARMER, Role.ASSESSOR, Role.OFFICER, Role.AUDITOR)


def own_claim(claim_id: int) -> Claim:
    """A claim of the logged-in farmer (404 otherwise)."""
    return get_claim_in_scope_or_404(claim_id)


def filtered(args: dict[str, Any]):
    """The scoped claims query with the list filters applied."""
    query = claims_in_scope(current_user)
    if args["status"]:
        try:
            query = query.where(Claim.status == ClaimStatus(args["status"]))
        except ValueError:
            raise ValidationFailed(fields={"status": ["Onbekende status."]}) from None
    if args["province"]:
        query = query.where(Claim.province == args["province"])
    if args["crop"]:
        query = query.where(Claim.crop == args["crop"])
    if args["species"]:
        query = query.where(
            Claim.id.in_(
                select(ClaimSpecies.claim_id).where(ClaimSpecies.species == args["species"])
            )
        )
    if year := args["damage_year"]:
        # Schadejaar: 1 November of the year before up to 31 October, named after its end.
        query = query.where(Claim.discovered_on.between(*damage_year_bounds(year)))
    return query


@bp.route("", methods=["GET"])
@readers
@bp.arguments(ClaimListQuerySchema, location="query")
@bp.response(200, ClaimPageSchema)
def list_claims(args: dict[str, Any]) -> dict[str, Any]:
    """Claims in scope, newest first, filtered and paginated."""
    query = filtered(args)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page, per_page = args["page"], args["per_page"]
    # What the schema dumps of every claim, loaded for the whole page at once (no N+1).
    related = (
        selectinload(Claim.species),
        selectinload(Claim.parcels).selectinload(ClaimParcel.parcel),
        selectinload(Claim.attachments),
        selectinload(Claim.decision_in_force),
    )
    items = db.session.scalars(
        query.options(*related)
        .order_by(Claim.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return {"items": items, "page": page, "per_page": per_page, "total": total}


@bp.route("", methods=["POST"])
@farmer_only
@idempotent
@bp.arguments(ClaimInSchema)
@bp.response(201, ClaimOutSchema)
def create_claim(data: dict[str, Any]) -> Claim:
    """A new claim, saved as draft."""
    claim = claims.create_claim(farmers.profile_of(current_user), data, current_user)
    db.session.flush()  # @idempotent commits with the answer
    return claim


@bp.route("/<int:claim_id>", methods=["GET"])
@readers
@bp.response(200, ClaimOutSchema)
def get_claim(claim_id: int) -> Claim:
    """One claim in scope."""
    return get_claim_in_scope_or_404(claim_id)


@bp.route("/<int:claim_id>", methods=["PATCH"])
@farmer_only
@commits
@bp.arguments(ClaimPatchSchema)
@bp.response(200, ClaimOutSchema)
def patch_claim(data: dict[str, Any], claim_id: int) -> Claim:
    """Change a draft."""
    claim = claims.update_claim(own_claim(claim_id), data, current_user)
    db.session.flush()  # @commits commits after the answer is built
    return claim


@bp.route("/<int:claim_id>/submit", methods=["POST"])
@farmer_only
@commits
@bp.arguments(SubmitSchema, required=False)
@bp.response(200, ClaimOutSchema)
def submit(data: dict[str, Any], claim_id: int) -> Claim:
    """Submit a draft; when late, `acknowledge_late: true` is needed."""
    claim = claims.submit_claim(
        own_claim(claim_id), current_user, acknowledge_late=data.get("acknowledge_late", False)
    )
    db.session.flush()  # @commits commits after the answer is built
    return claim


@bp.route("/<int:claim_id>/withdraw", methods=["POST"])
@farmer_only
@commits
@bp.response(200, ClaimOutSchema)
def withdraw(claim_id: int) -> Claim:
    """Withdraw the claim."""
    claim = claims.withdraw_claim(own_claim(claim_id), current_user)
    db.session.flush()  # @commits commits after the answer is built
    return claim


@bp.route("/<int:claim_id>/attachments", methods=["POST"])
@farmer_only
@idempotent
@bp.response(201, AttachmentOutSchema)
def upload(claim_id: int) -> Attachment:
    """Upload a photo (JPEG, PNG) or PDF as multipart field `file`."""
    claim = own_claim(claim_id)
    file = request.files.get("file")
    if file is None:
        raise ValidationFailed(fields={"file": ["Kies een bestand (multipart-veld 'file')."]})
    attachment = attachments.add_attachment(claim, file.filename or "", file.read(), current_user)
    db.session.flush()  # @idempotent commits with the answer
    return attachment


@bp.route("/<int:claim_id>/attachments/<int:attachment_id>", methods=["GET"])
@readers
def download(claim_id: int, attachment_id: int):
    """The attachment's bytes, only for those who may see the claim."""
    return send_attachment(get_attachment_in_scope_or_404(claim_id, attachment_id))
