"""The assessment pages: the officer orders one; the assessor's work list, report form (save
repeatedly) and submit (once); the farmer's zienswijze on the submitted report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from faunaschade.access import (
    get_assessment_in_scope_or_404,
    get_claim_in_scope_or_404,
    roles_required,
)
from faunaschade.assessments import operations as assessments
from faunaschade.assessments import zienswijze
from faunaschade.claims import areas, livestock
from faunaschade.claims.worklist import make_deadline
from faunaschade.clock import today
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.i18n import N_
from faunaschade.models import (
    Assessment,
    AssessmentStatus,
    Claim,
    ClaimKind,
    ClaimStatus,
    Role,
)
from faunaschade.money import format_eur
from faunaschade.rules.catalogue import SPECIES
from faunaschade.rules.prices import price_table_for
from faunaschade.schemas.assessments import (
    AssessmentOrderSchema,
    ReportSchema,
    ZienswijzeInSchema,
)
from faunaschade.vocabulary import PRICE_SOURCE_LABELS, UNIT_LABELS
from faunaschade.web import assessment_form, livestock_form
from faunaschade.web.claim_panels import page_lines
from faunaschade.web.claims import claim_url
from faunaschade.web.formdata import load, present, whole_number
from faunaschade.web.pages import page_date
from faunaschade.web.use_case import Failed, run
from faunaschade.web.vocab import name_of, translated, vocabulary

bp = Blueprint("assessments_web", __name__)
assessor_only = roles_required(Role.ASSESSOR)
officer_only = roles_required(Role.OFFICER)


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
            outcome = run(
                lambda: assessments.order_assessment(
                    claim, current_user, data["assessor_email"], data["urgent"]
                ),
                done=_ordered,
                redirect=claim_url(claim.id),
                expected=(ValidationFailed, Conflict),
            )
            if not isinstance(outcome, Failed):
                return outcome
            errors = outcome.fields
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


def _ordered(assessment: Assessment) -> str:
    who = assessment.assessor.display_name
    return _(
        "Taxatie opgedragen aan %(who)s; rapport uiterlijk %(day)s.",
        who=who,
        day=page_date(assessment.due_on),
    )


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
        open_rows=[(a, make_deadline("assessment", N_("Rapport"), a.due_on, day)) for a in open_],
        done=done,
        lapsed=lapsed,
        **vocabulary(),
    )


def _choices(claim: Claim) -> dict[str, Any]:
    return {
        "parcel_choices": {
            str(row.parcel_id): (
                f"{row.parcel.name} ({assessment_form.plain(row.parcel.area_ha)} ha)"
            )
            for row in claim.parcels
        },
        "species_choices": {
            s.species: name_of(SPECIES[s.species]) if s.species in SPECIES else s.species
            for s in sorted(claim.species, key=lambda s: s.species)
        },
        "unit_choices": {u.value: label for u, label in translated(UNIT_LABELS).items()},
        "source_choices": {p.value: label for p, label in translated(PRICE_SOURCE_LABELS).items()},
    }


def _extra(name: str, step: int) -> int:
    return min(whole_number(request.args.get(name)) or 0, 50) * step


@bp.route("/taxaties/<int:assessment_id>", methods=["GET", "POST"])
@assessor_only
def report(assessment_id: int):
    """The report form: visits, lines per parcel × species × area type, measures, remarks;
    for a livestock claim the animals (livestock_report)."""
    assessment = get_assessment_in_scope_or_404(assessment_id)
    claim = assessment.claim
    if assessment.status == AssessmentStatus.SUBMITTED:
        flash(_("Dit rapport is ingediend; u kunt het hier bekijken."), "success")
        return redirect(claim_url(claim.id, "#taxatie"))
    if claim.status != ClaimStatus.ASSESSMENT_ORDERED:
        flash(
            _("Aanvraag %(reference)s wacht niet meer op deze taxatie.", reference=claim.reference),
            "error",
        )
        return redirect(url_for(".work_list"))
    if claim.kind == ClaimKind.LIVESTOCK:
        return livestock_report(assessment, claim)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, line_rows, visit_rows, shown = assessment_form.parse(request.form)
        action = request.form.get("action", "save")
        more_lines = assessment_form.MORE_LINES if action == "add_lines" else 0
        more_visits = assessment_form.MORE_VISITS if action == "add_visit" else 0
        loaded, errors = load(ReportSchema(), data)
        if loaded is not None:
            anchor = "#regels" if more_lines else ("#bezoeken" if more_visits else "")
            again = url_for(
                ".report",
                assessment_id=assessment.id,
                meer_regels=1 if more_lines else None,
                meer_bezoeken=1 if more_visits else None,
            )
            outcome = run(
                lambda: assessments.save_report(assessment, loaded, current_user),
                done=_("Het rapport is opgeslagen. Het is nog niet ingediend."),
                redirect=again + anchor,
                expected=ValidationFailed,
            )
            if not isinstance(outcome, Failed):
                return outcome
            errors = outcome.fields
        errors = assessment_form.field_errors(errors, line_rows, visit_rows)
        values = assessment_form.with_spare_rows(claim, shown, more_lines, more_visits)
    else:
        values = assessment_form.with_spare_rows(
            claim,
            assessment_form.initial(claim, assessment),
            assessment_form.SPARE_LINES + _extra("meer_regels", assessment_form.MORE_LINES),
            assessment_form.SPARE_VISITS + _extra("meer_bezoeken", assessment_form.MORE_VISITS),
        )
    return render_template(
        "assessor/report.html",
        assessment=assessment,
        claim=claim,
        values=values,
        errors=errors,
        error_labels=assessment_form.error_labels(errors),
        saved_total=assessment.counted_total,
        field_labels=assessment_form.FIELD_LABELS,
        due=make_deadline("assessment", N_("Rapport"), assessment.due_on, today()),
        area_figures=areas.figures(claim),
        **_choices(claim),
        **vocabulary(),
    ), 422 if errors else 200


def livestock_report(assessment: Assessment, claim: Claim):
    """The livestock report: visits and per animal its kind, breed group, sex, age, pregnancy,
    killed or injured and costs, each with its value from the price table. Saved by the same
    use case as PUT /api/v1/assessments/{id}/report."""
    table = price_table_for(claim.discovered_on)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, animal_rows, visit_rows, shown = livestock_form.parse(request.form)
        action = request.form.get("action", "save")
        more_animals = livestock_form.MORE_ANIMALS if action == "add_animal" else 0
        more_visits = 1 if action == "add_visit" else 0
        loaded, errors = load(ReportSchema(), data)
        if loaded is not None:
            anchor = "#dieren" if more_animals else ("#bezoeken" if more_visits else "")
            again = url_for(
                ".report",
                assessment_id=assessment.id,
                meer_dieren=1 if more_animals else None,
                meer_bezoeken=1 if more_visits else None,
            )
            outcome = run(
                lambda: assessments.save_report(assessment, loaded, current_user),
                done=lambda saved: _(
                    "Het rapport is opgeslagen: %(n)s dier(en), samen %(total)s. "
                    "Het is nog niet ingediend.",
                    n=len(saved.animals),
                    total=format_eur(saved.counted_total),
                ),
                redirect=again + anchor,
                expected=ValidationFailed,
            )
            if not isinstance(outcome, Failed):
                return outcome
            errors = outcome.fields
        errors = livestock_form.field_errors(errors, animal_rows, visit_rows)
        # Shown again as posted; an empty list still gets a row to fill in.
        values = livestock_form.with_spare_rows(
            claim,
            shown,
            max(more_animals, 0 if shown["animals"] else 1),
            max(more_visits, 0 if shown["visits"] else 1),
        )
    else:
        values = livestock_form.with_spare_rows(
            claim,
            livestock_form.initial(assessment),
            livestock_form.SPARE_ANIMALS
            + livestock_form.extra_rows(request.args.get("meer_dieren"), 1),
            1 + livestock_form.extra_rows(request.args.get("meer_bezoeken"), 1),
        )
    return render_template(
        "assessor/livestock_report.html",
        assessment=assessment,
        claim=claim,
        values=values,
        errors=errors,
        error_labels=livestock_form.error_labels(errors),
        field_labels=livestock_form.FIELD_LABELS,
        choices=livestock_form.choices(claim, table),
        row_values=[livestock_form.row_value(table, row) for row in values["animals"]],
        price_table=table,
        prices_json=livestock_form.price_data(table),
        saved_total=assessment.counted_total,
        reported=livestock.report_facts(claim),
        due=make_deadline("assessment", N_("Rapport"), assessment.due_on, today()),
        **vocabulary(),
    ), 422 if errors else 200


@bp.route("/taxaties/<int:assessment_id>/indienen", methods=["GET", "POST"])
@assessor_only
def submit(assessment_id: int):
    """Check the saved report and submit it, once."""
    assessment = get_assessment_in_scope_or_404(assessment_id)
    claim = assessment.claim
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect(claim_url(claim.id, "#taxatie"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        outcome = run(
            lambda: assessments.submit_report(assessment, current_user),
            done=lambda result: _(
                "Rapport %(reference)s is ingediend. De aanvrager krijgt de bevestiging van de "
                "taxatie en kan tot en met %(day)s reageren.",
                reference=claim.reference,
                day=claim.zienswijze_deadline.strftime("%d-%m-%Y"),
            ),
            redirect=url_for(".work_list"),
            expected=(ValidationFailed, Conflict),
        )
        if not isinstance(outcome, Failed):
            return outcome
        errors = outcome.fields
    lines = page_lines(assessment, claim)
    return render_template(
        "assessor/submit.html",
        assessment=assessment,
        claim=claim,
        lines=lines,
        animals=assessment.animals,
        total=assessment.counted_total,
        errors=errors,
        **vocabulary(),
    ), 422 if errors else 200


@bp.route("/aanvragen/<int:claim_id>/zienswijze", methods=["GET", "POST"])
@roles_required(Role.FARMER)
def give(claim_id: int):
    """Respond to the assessment within its window: text and an optional file."""
    claim = get_claim_in_scope_or_404(claim_id)
    window = zienswijze.window(claim)
    errors: dict[str, list[str]] = {}
    values = present(request.form, "text") if request.method == "POST" else {}
    status = 200
    if request.method == "POST":
        data, errors = load(ZienswijzeInSchema(), values)
        status = 422 if errors else 200
        upload = request.files.get("file")
        file = (upload.filename, upload.read()) if upload and upload.filename else None
        if data is not None:
            outcome = run(
                lambda: zienswijze.submit_zienswijze(claim, current_user, data["text"], file),
                done=_("Uw zienswijze is ontvangen. De provincie neemt die mee in het besluit."),
                redirect=claim_url(claim.id, "#zienswijze"),
                expected=(ValidationFailed, Conflict),
            )
            if not isinstance(outcome, Failed):
                return outcome
            # A refused text 422, a closed window 409.
            errors, status = outcome.fields, outcome.error.status
    return render_template(
        "claims/zienswijze.html",
        claim=claim,
        window=window,
        values=values,
        errors=errors,
        **vocabulary(),
    ), status


@bp.route("/aanvragen/<int:claim_id>/akkoord-taxatie", methods=["POST"])
@roles_required(Role.FARMER)
def accept(claim_id: int):
    """ "Akkoord met de taxatie": the zienswijze window closes now, the decision can follow."""
    claim = get_claim_in_scope_or_404(claim_id)
    return run(
        lambda: zienswijze.accept_assessment(claim, current_user),
        done=_("U bent akkoord met de taxatie. De provincie kan nu het besluit voorbereiden."),
        back=claim_url(claim.id, "#zienswijze"),
        expected=Conflict,
    )
