"""Claim steps around the assessment: completion, assessment order, zienswijze, preview, queue."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import ValidationError
from sqlalchemy import select

from faunaschade.access import get_claim_in_scope_or_404, roles_required
from faunaschade.api.answers import commits
from faunaschade.api.idempotency import idempotent
from faunaschade.assessments import operations as assessments
from faunaschade.assessments import zienswijze
from faunaschade.claims import completion
from faunaschade.claims import worklist as queue
from faunaschade.decisions import calculation
from faunaschade.errors import ValidationFailed, flatten_messages
from faunaschade.extensions import db
from faunaschade.models import Assessment, Claim, Role, Zienswijze
from faunaschade.schemas.assessments import (
    AssessmentOrderedSchema,
    AssessmentOrderSchema,
    CompleteSchema,
    CompletionRequestSchema,
    PreviewQuerySchema,
    PreviewSchema,
    QueuePageSchema,
    QueueQuerySchema,
    ZienswijzeInSchema,
    ZienswijzeOutSchema,
)
from faunaschade.schemas.claims import ClaimOutSchema

bp = Blueprint(
    "claim_actions",
    __name__,
    url_prefix="/api/v1",
    description="Completion requests, assessment orders, zienswijzen, calculation preview, queue",
)
officer_only = roles_required(Role.OFFICER)
farmer_only = roles_required(Role.FARMER)

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


@bp.route("/claims/<int:claim_id>/completion-request", methods=["POST"])
@officer_only
@idempotent
@bp.arguments(CompletionRequestSchema)
@bp.response(200, ClaimOutSchema)
def completion_request(data: dict[str, Any], claim_id: int) -> Claim:
    """Ask the farmer to complete the claim (Awb 4:5): letter and e-mail with the deadline."""
    claim = completion.request_completion(
        get_claim_in_scope_or_404(claim_id), current_user, data["message"], data["days"]
    )
    db.session.flush()  # @idempotent commits with the answer
    return claim


@bp.route("/claims/<int:claim_id>/complete", methods=["POST"])
@roles_required(Role.FARMER, Role.OFFICER)
@commits
@bp.arguments(CompleteSchema, required=False)
@bp.response(200, ClaimOutSchema)
def complete(data: dict[str, Any], claim_id: int) -> Claim:
    """The claim is complete again: its farmer added what was asked, or an officer says so."""
    claim = completion.complete_claim(
        get_claim_in_scope_or_404(claim_id), current_user, data.get("note") or ""
    )
    db.session.flush()  # @commits commits after the answer is built
    return claim


@bp.route("/claims/<int:claim_id>/assessment-order", methods=["POST"])
@officer_only
@idempotent
@bp.arguments(AssessmentOrderSchema)
@bp.response(201, AssessmentOrderedSchema)
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


@bp.route("/claims/<int:claim_id>/zienswijze", methods=["POST"])
@farmer_only
@idempotent
@bp.doc(requestBody=ZIENSWIJZE_BODY)
@bp.response(201, ZienswijzeOutSchema)
def give_zienswijze(claim_id: int) -> Zienswijze:
    """The farmer's response to the assessment, within 8 working days of the confirmation."""
    claim = get_claim_in_scope_or_404(claim_id)
    data, file = _zienswijze_input()
    answer = zienswijze.submit_zienswijze(claim, current_user, data["text"], file)
    db.session.flush()  # @idempotent commits with the answer
    return answer


@bp.route("/claims/<int:claim_id>/zienswijzen", methods=["GET"])
@roles_required(Role.FARMER, Role.OFFICER, Role.AUDITOR)
@bp.response(200, ZienswijzeOutSchema(many=True))
def list_zienswijzen(claim_id: int) -> list[Zienswijze]:
    """Every zienswijze on the claim, oldest first."""
    claim = get_claim_in_scope_or_404(claim_id)
    return list(
        db.session.scalars(
            select(Zienswijze).where(Zienswijze.claim_id == claim.id).order_by(Zienswijze.id)
        )
    )


@bp.route("/claims/<int:claim_id>/calculation-preview", methods=["GET"])
@roles_required(Role.OFFICER, Role.AUDITOR)
@bp.arguments(PreviewQuerySchema, location="query")
@bp.response(200, PreviewSchema)
def calculation_preview(args: dict[str, Any], claim_id: int) -> dict[str, Any]:
    """What the rules engine makes of the claim and its submitted assessment right now."""
    return calculation.calculation_preview(
        get_claim_in_scope_or_404(claim_id), args["reduction_pct"]
    )


@bp.route("/queue", methods=["GET"])
@officer_only
@bp.arguments(QueueQuerySchema, location="query")
@bp.response(200, QueuePageSchema)
def officer_queue(args: dict[str, Any]) -> queue.QueuePage:
    """Claims of the officer's provinces with running deadlines, most urgent first."""
    page, per_page = args.pop("page"), args.pop("per_page")
    return queue.officer_queue(current_user, args, page, per_page)
