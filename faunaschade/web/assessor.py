"""The assessor's pages: work list, the report form (save repeatedly), submit once."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from faunaschade.access import get_assessment_in_scope_or_404, roles_required
from faunaschade.assessments import operations as assessments
from faunaschade.claims.worklist import make_deadline
from faunaschade.clock import today
from faunaschade.documents.assessment_letters import confirmation_lines
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.models import Assessment, AssessmentStatus, Claim, ClaimStatus, Role
from faunaschade.rules.catalogue import SPECIES
from faunaschade.schemas.assessments import ReportSchema
from faunaschade.vocabulary import PRICE_SOURCE_LABELS, UNIT_LABELS
from faunaschade.web import report_form
from faunaschade.web.formdata import load, service_errors, whole_number
from faunaschade.web.vocab import vocabulary

bp = Blueprint("assessor", __name__)
assessor_only = roles_required(Role.ASSESSOR)


@bp.route("/taxaties")
@assessor_only
def work_list():
    """Assessments assigned to me: open ones by due date, then the submitted ones."""
    query = assessments.assessments_in_scope(current_user)
    unsubmitted = db.session.scalars(
        query.where(Assessment.status != AssessmentStatus.SUBMITTED).order_by(
            Assessment.due_on, Assessment.id
        )
    ).all()
    open_ = [a for a in unsubmitted if a.claim.status == ClaimStatus.ASSESSMENT_ORDERED]
    lapsed = [a for a in unsubmitted if a.claim.status != ClaimStatus.ASSESSMENT_ORDERED]
    done = db.session.scalars(
        query.where(Assessment.status == AssessmentStatus.SUBMITTED)
        .order_by(Assessment.submitted_at.desc())
        .limit(50)
    ).all()
    day = today()
    return render_template(
        "assessor/list.html",
        open_rows=[(a, make_deadline("assessment", "Rapport", a.due_on, day)) for a in open_],
        done=done,
        lapsed=lapsed,
        **vocabulary(),
    )


def _choices(claim: Claim) -> dict[str, Any]:
    return {
        "parcel_choices": {
            str(row.parcel_id): f"{row.parcel.name} ({report_form.plain(row.parcel.area_ha)} ha)"
            for row in claim.parcels
        },
        "species_choices": {
            s.species: SPECIES[s.species].name_nl if s.species in SPECIES else s.species
            for s in sorted(claim.species, key=lambda s: s.species)
        },
        "unit_choices": {u.value: label for u, label in UNIT_LABELS.items()},
        "source_choices": {p.value: label for p, label in PRICE_SOURCE_LABELS.items()},
    }


def _extra(name: str, step: int) -> int:
    return min(whole_number(request.args.get(name)) or 0, 50) * step


@bp.route("/taxaties/<int:assessment_id>", methods=["GET", "POST"])
@assessor_only
def report(assessment_id: int):
    """The report form: visits, lines per parcel × species × area type, measures, remarks."""
    assessment = get_assessment_in_scope_or_404(assessment_id)
    claim = assessment.claim
    if assessment.status == AssessmentStatus.SUBMITTED:
        flash("Dit rapport is ingediend; u kunt het hier bekijken.", "success")
        return redirect(url_for("farmer.claim_detail", claim_id=claim.id) + "#taxatie")
    if claim.status != ClaimStatus.ASSESSMENT_ORDERED:
        flash(f"Aanvraag {claim.reference} wacht niet meer op deze taxatie.", "error")
        return redirect(url_for(".work_list"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, line_rows, visit_rows, shown = report_form.parse(request.form)
        action = request.form.get("action", "save")
        more_lines = report_form.MORE_LINES if action == "add_lines" else 0
        more_visits = report_form.MORE_VISITS if action == "add_visit" else 0
        loaded, errors = load(ReportSchema(), data)
        if loaded is not None:
            try:
                assessments.save_report(assessment, loaded, current_user)
            except ValidationFailed as exc:
                db.session.rollback()
                errors = service_errors(exc)
            else:
                db.session.commit()
                flash("Het rapport is opgeslagen. Het is nog niet ingediend.", "success")
                anchor = "#regels" if more_lines else ("#bezoeken" if more_visits else "")
                return redirect(
                    url_for(
                        ".report",
                        assessment_id=assessment.id,
                        meer_regels=1 if more_lines else None,
                        meer_bezoeken=1 if more_visits else None,
                    )
                    + anchor
                )
        errors = report_form.field_errors(errors, line_rows, visit_rows)
        values = report_form.with_spare_rows(claim, shown, more_lines, more_visits)
    else:
        values = report_form.with_spare_rows(
            claim,
            report_form.initial(claim, assessment),
            report_form.SPARE_LINES + _extra("meer_regels", report_form.MORE_LINES),
            report_form.SPARE_VISITS + _extra("meer_bezoeken", report_form.MORE_VISITS),
        )
    return render_template(
        "assessor/report.html",
        assessment=assessment,
        claim=claim,
        values=values,
        errors=errors,
        error_labels=report_form.error_labels(errors),
        saved_total=assessments.counted_total(assessment),
        field_labels=report_form.FIELD_LABELS,
        due=make_deadline("assessment", "Rapport", assessment.due_on, today()),
        **_choices(claim),
        **vocabulary(),
    ), 422 if errors else 200


@bp.route("/taxaties/<int:assessment_id>/indienen", methods=["GET", "POST"])
@assessor_only
def submit(assessment_id: int):
    """Check the saved report and submit it, once."""
    assessment = get_assessment_in_scope_or_404(assessment_id)
    claim = assessment.claim
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect(url_for("farmer.claim_detail", claim_id=claim.id) + "#taxatie")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            assessments.submit_report(assessment, current_user)
        except (ValidationFailed, Conflict) as exc:
            db.session.rollback()
            errors = (
                service_errors(exc)
                if isinstance(exc, ValidationFailed)
                else {"_schema": [exc.message]}
            )
        else:
            db.session.commit()
            flash(
                f"Rapport {claim.reference} is ingediend. De aanvrager krijgt de bevestiging van "
                f"de taxatie en kan tot en met {claim.zienswijze_deadline:%d-%m-%Y} reageren.",
                "success",
            )
            return redirect(url_for(".work_list"))
    lines = confirmation_lines(assessment, claim)
    return render_template(
        "assessor/submit.html",
        assessment=assessment,
        claim=claim,
        lines=lines,
        total=assessments.counted_total(assessment),
        errors=errors,
        **vocabulary(),
    ), 422 if errors else 200
