"""The officer's pages: the queue, asking for completion, ordering an assessment."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from faunaschade.access import get_claim_in_scope_or_404, roles_required
from faunaschade.assessments import operations as assessments
from faunaschade.claims import completion
from faunaschade.claims import worklist as queue
from faunaschade.clock import today
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.models import ClaimStatus, Role
from faunaschade.schemas.assessments import (
    AssessmentOrderSchema,
    CompletionRequestSchema,
    QueueQuerySchema,
)
from faunaschade.web.formdata import load, present, service_errors, whole_number
from faunaschade.web.vocab import STATUS_LABELS, vocabulary

bp = Blueprint("officer", __name__)
officer_only = roles_required(Role.OFFICER)


def _filters(args: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    values = present(args, "status", "province", "species", "crop", "page")
    if args.get("overdue"):
        values["overdue"] = True
    data, errors = load(QueueQuerySchema(), values)
    return (data or {"page": 1, "per_page": 50}), errors


@bp.route("/behandeling")
@officer_only
def queue_page():
    """Claims of the officer's provinces, filtered, with their deadlines in colour and words."""
    filters, errors = _filters(request.args)
    page, per_page = filters.pop("page"), filters.pop("per_page")
    result = queue.officer_queue(current_user, filters, page, per_page)
    pages = max(1, -(-result.total // per_page))
    kept = {k: v for k, v in request.args.items() if k != "page"}
    page_links = [(n, url_for(".queue_page", **kept, page=n)) for n in range(1, pages + 1)]
    return render_template(
        "officer/queue.html",
        result=result,
        page_links=page_links,
        filters=filters,
        errors=errors,
        args=request.args,
        statuses={s.value: STATUS_LABELS[s.value] for s in queue.QUEUE_STATUSES},
        open_statuses=[STATUS_LABELS[s.value] for s in queue.OPEN_STATUSES],
        today=today(),
        **vocabulary(),
    ), 422 if errors else 200


def _form_errors(exc: ValidationFailed | Conflict) -> dict[str, list[str]]:
    if isinstance(exc, ValidationFailed):
        return service_errors(exc)
    return {"_schema": [exc.message]}


@bp.route("/aanvragen/<int:claim_id>/aanvulling-vragen", methods=["GET", "POST"])
@officer_only
def request_completion(claim_id: int):
    """Ask the farmer to complete the claim (Awb 4:5): letter, e-mail and a deadline."""
    claim = get_claim_in_scope_or_404(claim_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"days": str(completion.COMPLETION_WORKING_DAYS)}
    if request.method == "POST":
        values = present(request.form, "message", "days")
        data, errors = load(CompletionRequestSchema(), {**values, "days": _int(values.get("days"))})
        if data is not None:
            try:
                completion.request_completion(claim, current_user, data["message"], data["days"])
            except (ValidationFailed, Conflict) as exc:
                db.session.rollback()
                errors = _form_errors(exc)
            else:
                db.session.commit()
                flash(
                    f"Verzoek om aanvulling verstuurd. De aanvrager kan aanvullen tot en met "
                    f"{claim.completion_deadline:%d-%m-%Y}.",
                    "success",
                )
                return redirect(url_for("farmer.claim_detail", claim_id=claim.id))
    return render_template(
        "officer/completion_request.html",
        claim=claim,
        values=values,
        errors=errors,
        **vocabulary(),
    ), 422 if errors else 200


def _int(value: str | None) -> Any:
    # The schema checks the number; a non-number is passed on as text so it says so.
    number = whole_number(value)
    return value if number is None else number


@bp.route("/aanvragen/<int:claim_id>/compleet", methods=["POST"])
@officer_only
def mark_complete(claim_id: int):
    """The officer declares the claim complete again (incomplete → submitted)."""
    claim = get_claim_in_scope_or_404(claim_id)
    try:
        completion.complete_claim(claim, current_user, request.form.get("note", "")[:5000])
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash("De aanvraag is weer compleet en in behandeling.", "success")
    return redirect(url_for("farmer.claim_detail", claim_id=claim.id))


@bp.route("/aanvragen/<int:claim_id>/taxatie-opdragen", methods=["GET", "POST"])
@officer_only
def order_assessment(claim_id: int):
    """Choose an assessor (optionally a spoedtaxatie) and order the assessment."""
    claim = get_claim_in_scope_or_404(claim_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = present(request.form, "assessor_email")
        values["urgent"] = bool(request.form.get("urgent"))
        data, errors = load(AssessmentOrderSchema(), values)
        if data is not None:
            try:
                assessment = assessments.order_assessment(
                    claim, current_user, data["assessor_email"], data["urgent"]
                )
            except (ValidationFailed, Conflict) as exc:
                db.session.rollback()
                errors = _form_errors(exc)
            else:
                db.session.commit()
                who = assessment.assessor.name or assessment.assessor.email
                flash(
                    f"Taxatie opgedragen aan {who}; "
                    f"rapport uiterlijk {assessment.due_on:%d-%m-%Y}.",
                    "success",
                )
                return redirect(url_for("farmer.claim_detail", claim_id=claim.id))
    day = today()
    return render_template(
        "officer/order_assessment.html",
        claim=claim,
        values=values,
        errors=errors,
        assessors=assessments.assessors(),
        workload=assessments.open_workload(),
        due_normal=assessments.due_date(day, False),
        due_urgent=assessments.due_date(day, True),
        can_order=claim.status == ClaimStatus.SUBMITTED,
        **vocabulary(),
    ), 422 if errors else 200
