"""Machtigingen: the farmer grants and revokes, the representative sees whom they act for,
an officer records a written authorisation for a farmer who is not online."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from faunaschade.access import get_farmer_in_scope_or_404, roles_required
from faunaschade.api.answers import commits
from faunaschade.api.blueprint import Blueprint
from faunaschade.api.idempotency import idempotent
from faunaschade.extensions import db
from faunaschade.farmers import authorisations
from faunaschade.farmers import operations as farmers
from faunaschade.models import Authorisation, Role
from faunaschade.schemas.authorisations import (
    AuthorisationInSchema,
    AuthorisationListQuerySchema,
    AuthorisationOutSchema,
    WrittenAuthorisationInSchema,
)

bp = Blueprint(
    "authorisations", __name__, url_prefix="/api/v1", description="Machtigingen (representatives)"
)
farmer_only = roles_required(Role.FARMER)
officer_only = roles_required(Role.OFFICER)


@bp.route("/authorisations", methods=["GET"])
@farmer_only
@bp.arguments(AuthorisationListQuerySchema, location="query")
@bp.response(200, AuthorisationOutSchema(many=True))
def list_authorisations(args: dict[str, Any]) -> list[Authorisation]:
    """Authorisations I granted (all, newest first), or with `?as=representative` those I hold
    that count today (whom I act for)."""
    if args["role"] == "representative":
        return authorisations.acting_for(current_user)
    return authorisations.granted_by(farmers.profile_of(current_user))


@bp.route("/authorisations", methods=["POST"])
@farmer_only
@idempotent
@bp.arguments(AuthorisationInSchema)
@bp.response(201, AuthorisationOutSchema)
def grant(data: dict[str, Any]) -> Authorisation:
    """Authorise a registered user (by e-mail address) for all my claims or one, for a period."""
    granted = authorisations.grant(farmers.profile_of(current_user), data, current_user)
    db.session.flush()  # @idempotent commits with the answer
    return granted


@bp.route("/authorisations/<int:authorisation_id>/revoke", methods=["POST"])
@farmer_only
@commits
@bp.response(200, AuthorisationOutSchema)
def revoke(authorisation_id: int) -> Authorisation:
    """Revoke one of my authorisations; the representative's access ends at once."""
    profile = farmers.profile_of(current_user)
    revoked = authorisations.revoke(
        authorisations.authorisation_of(profile, authorisation_id), current_user
    )
    db.session.flush()  # @commits commits after the answer is built
    return revoked


@bp.route("/farmers/<int:profile_id>/authorisations", methods=["GET"])
@officer_only
@bp.response(200, AuthorisationOutSchema(many=True))
def farmer_authorisations(profile_id: int) -> list[Authorisation]:
    """An applicant's authorisations (an applicant with a claim in my provinces)."""
    return authorisations.granted_by(get_farmer_in_scope_or_404(profile_id))


@bp.route("/farmers/<int:profile_id>/authorisations", methods=["POST"])
@officer_only
@idempotent
@bp.arguments(WrittenAuthorisationInSchema)
@bp.response(201, AuthorisationOutSchema)
def record_written(data: dict[str, Any], profile_id: int) -> Authorisation:
    """Record a signed paper authorisation for an applicant who is not online (the scan can be
    uploaded on the applicant's page)."""
    recorded = authorisations.record_written(
        get_farmer_in_scope_or_404(profile_id), data, current_user
    )
    db.session.flush()  # @idempotent commits with the answer
    return recorded


@bp.route(
    "/farmers/<int:profile_id>/authorisations/<int:authorisation_id>/revoke", methods=["POST"]
)
@officer_only
@commits
@bp.response(200, AuthorisationOutSchema)
def officer_revoke(profile_id: int, authorisation_id: int) -> Authorisation:
    """Revoke an applicant's authorisation (e.g. on their written request)."""
    profile = get_farmer_in_scope_or_404(profile_id)
    revoked = authorisations.revoke(
        authorisations.authorisation_of(profile, authorisation_id), current_user
    )
    db.session.flush()  # @commits commits after the answer is built
    return revoked
