"""Livestock damage by wolf or golden jackal: the keeper's report and the officer's finding."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import Blueprint

from faunaschade.access import get_claim_in_scope_or_404, roles_required
from faunaschade.api.answers import commits
from faunaschade.api.idempotency import idempotent
from faunaschade.claims import livestock
from faunaschade.extensions import db
from faunaschade.farmers import operations as farmers
from faunaschade.models import Claim, Role
from faunaschade.schemas.claims import ClaimOutSchema, LivestockClaimInSchema, WolfFindingInSchema

bp = Blueprint("livestock", __name__, url_prefix="/api/v1/claims", description="Livestock (wolf)")


@bp.route("/livestock", methods=["POST"])
@roles_required(Role.FARMER)
@idempotent
@bp.arguments(LivestockClaimInSchema)
@bp.response(201, ClaimOutSchema)
def report(data: dict[str, Any]) -> Claim:
    """Report animals killed or injured by a wolf or golden jackal (within 24 hours; no leges)."""
    claim = livestock.report_livestock_damage(farmers.profile_of(current_user), data, current_user)
    db.session.flush()  # @idempotent commits with the answer
    return claim


@bp.route("/<int:claim_id>/wolf-finding", methods=["POST"])
@roles_required(Role.OFFICER)
@commits
@bp.arguments(WolfFindingInSchema)
@bp.response(200, ClaimOutSchema)
def wolf_finding(data: dict[str, Any], claim_id: int) -> Claim:
    """Record the field visit and the DNA outcome."""
    claim = livestock.record_wolf_finding(
        get_claim_in_scope_or_404(claim_id),
        current_user,
        data["finding"],
        data["visited_on"],
        data.get("remarks") or "",
    )
    db.session.flush()  # @commits commits after the answer is built
    return claim
