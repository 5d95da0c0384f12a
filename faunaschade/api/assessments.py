"""Assessments for assessors (their own) and officers/auditors (their provinces)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.exceptions import UnsupportedMediaType

from faunaschade.access import (
    get_assessment_in_scope_or_404,
    get_claim_in_scope_or_404,
    roles_required,
)
from faunaschade.api.answers import commits
from faunaschade.api.blueprint import Blueprint
from faunaschade.api.idempotency import idempotent
from faunaschade.assessments import operations as assessments
from faunaschade.assessments import zienswijze
from faunaschade.errors import ValidationFailed, flatten_messages
from faunaschade.extensions import db
from faunaschade.models import Assessment, AssessmentStatus, Role, Zienswijze
from faunaschade.schemas.assessments import (
    AssessmentListQuerySchema,
    AssessmentOrderedSchema,
    AssessmentOrderSchema,
    AssessmentOutSchema,
    AssessmentSummarySchema,
    ReportSchema,
    ZienswijzeInSchema,
    ZienswijzeOutSchema,
)

bp = Blueprint(
    "assessments", __name__, url_prefix="/api/v1/assessments", description="Assessments (taxaties)"
)
assessor_only = roles_required(Role.ASSESSOR)
officer_only = roles_required(Role.OFFICER)
farmer_only = roles_required(Role.FARMER)
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
        raise UnsupportedMediaType(
            _("Stuur het rapport als JSON (Content-Type: application/json).")
        )
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


claim_steps_bp = Blueprint(
    "assessment_orders",
    __name__,
    url_prefix="/api/v1/claims",
    description="Assessment orders and zienswijzen on a claim",
)

ZIENSWIJZE_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": ZienswijzeInSchema},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["text"],
                "properties": {
                    "text": {"type": "string", "maxLength": 10000},
                    "file": {"type": "string", "format": "binary"},
                },
            }
        },
    },
}


@claim_steps_bp.route("/<int:claim_id>/assessment-order", methods=["POST"])
@officer_only
@idempotent
@claim_steps_bp.arguments(AssessmentOrderSchema)
@claim_steps_bp.response(201, AssessmentOrderedSchema)
def assessment_order(data: dict[str, Any], claim_id: int) -> Assessment:
    """Order an assessment from an assessor (`urgent`: spoedtaxatie)."""
    assessment = assessments.order_assessment(
        get_claim_in_scope_or_404(claim_id), current_user, data["assessor_email"], data["urgent"]
    )
    db.session.flush()  # @idempotent commits with the answer
    return assessment


def _zienswijze_input() -> tuple[dict[str, Any], tuple[str, bytes] | None]:
    if request.mimetype == "multipart/form-data":
        raw: Any = request.form.to_dict()
        upload = request.files.get("file")
        file = (upload.filename or "", upload.read()) if upload and upload.filename else None
    else:
        raw, file = request.get_json(silent=True), None
    try:
        return ZienswijzeInSchema().load(raw if raw is not None else {}), file
    except ValidationError as exc:
        raise ValidationFailed(fields=flatten_messages(exc.messages)) from None


@claim_steps_bp.route("/<int:claim_id>/zienswijze", methods=["POST"])
@farmer_only
@idempotent
@claim_steps_bp.doc(requestBody=ZIENSWIJZE_BODY)
@claim_steps_bp.response(201, ZienswijzeOutSchema)
def give_zienswijze(claim_id: int) -> Zienswijze:
    """The farmer's response to the assessment, within 8 working days of the confirmation."""
    claim = get_claim_in_scope_or_404(claim_id)
    data, file = _zienswijze_input()
    answer = zienswijze.submit_zienswijze(claim, current_user, data["text"], file)
    db.session.flush()  # @idempotent commits with the answer
    return answer


@claim_steps_bp.route("/<int:claim_id>/accept-assessment", methods=["POST"])
@farmer_only
@idempotent
@claim_steps_bp.response(201, ZienswijzeOutSchema)
def accept_assessment(claim_id: int) -> Zienswijze:
    """ "Akkoord met de taxatie": the farmer agrees with the assessment, which closes the
    zienswijze window at once (the officer may propose the decision). No body."""
    claim = get_claim_in_scope_or_404(claim_id)
    answer = zienswijze.accept_assessment(claim, current_user)
    db.session.flush()  # @idempotent commits with the answer
    return answer


@claim_steps_bp.route("/<int:claim_id>/zienswijzen", methods=["GET"])
@roles_required(Role.FARMER, Role.OFFICER, Role.AUDITOR)
@claim_steps_bp.response(200, ZienswijzeOutSchema(many=True))
def list_zienswijzen(claim_id: int) -> list[Zienswijze]:
    """Every zienswijze on the claim, oldest first."""
    claim = get_claim_in_scope_or_404(claim_id)
    return list(
        db.session.scalars(
            select(Zienswijze).where(Zienswijze.claim_id == claim.id).order_by(Zienswijze.id)
        )
    )
