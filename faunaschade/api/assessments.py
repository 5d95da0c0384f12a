"""Assessments for assessors (their own) and officers/auditors (their provinces)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint
from werkzeug.exceptions import UnsupportedMediaType

from faunaschade.access import get_assessment_in_scope_or_404, roles_required
from faunaschade.api.answers import commits
from faunaschade.api.idempotency import idempotent
from faunaschade.assessments import operations as assessments
from faunaschade.extensions import db
from faunaschade.models import Assessment, AssessmentStatus, Role
from faunaschade.schemas.assessments import (
    AssessmentListQuerySchema,
    AssessmentOutSchema,
    AssessmentSummarySchema,
    ReportSchema,
)

bp = Blueprint(
    "assessments", __name__, url_prefix="/api/v1/assessments", description="Assessments (taxaties)"
)
assessor_only = roles_required(Role.ASSESSOR)
readers = roles_required(Role.ASSESSOR, Role.OFFICER, Role.AUDITOR)


@bp.route("", methods=["GET"])
@readers
@bp.arguments(AssessmentListQuerySchema, location="query")
@bp.response(200, AssessmentSummarySchema(many=True))
def list_assessments(args: dict[str, Any]) -> list[Assessment]:
    """The assessor's work list (officers: their provinces): open ones first, by due date."""
    query = assessments.assessments_in_scope(current_user)
    if args["status"]:
        query = query.where(Assessment.status == AssessmentStatus(args["status"]))
    if args["claim_id"]:
        query = query.where(Assessment.claim_id == args["claim_id"])
    query = query.order_by(
        Assessment.status == AssessmentStatus.SUBMITTED, Assessment.due_on, Assessment.id
    )
    return list(db.session.scalars(query.limit(500)))


@bp.route("/<int:assessment_id>", methods=["GET"])
@readers
@bp.response(200, AssessmentOutSchema)
def get_assessment(assessment_id: int) -> Assessment:
    """One assessment with the claim facts the assessor needs and the report so far."""
    return get_assessment_in_scope_or_404(assessment_id)


@bp.route("/<int:assessment_id>/report", methods=["PUT"])
@assessor_only
@commits
@bp.arguments(ReportSchema)
@bp.response(200, AssessmentOutSchema)
def put_report(data: dict[str, Any], assessment_id: int) -> Assessment:
    """Save the whole report (visits and lines replace what was saved); repeat until submit."""
    if not request.is_json:
        # An empty or non-JSON body would otherwise replace the saved report with nothing.
        raise UnsupportedMediaType("Stuur het rapport als JSON (Content-Type: application/json).")
    assessment = assessments.save_report(
        get_assessment_in_scope_or_404(assessment_id), data, current_user
    )
    db.session.flush()  # @commits commits after the answer is built
    return assessment


@bp.route("/<int:assessment_id>/submit", methods=["POST"])
@assessor_only
@idempotent
@bp.response(200, AssessmentOutSchema)
def submit(assessment_id: int) -> Assessment:
    """Submit the saved report once: confirmation letter to the farmer, zienswijze window opens."""
    assessment = assessments.submit_report(
        get_assessment_in_scope_or_404(assessment_id), current_user
    )
    db.session.flush()  # @idempotent commits with the answer
    return assessment
