"""The melding pages: "Schade melden" (the form), the list of meldingen (the farmer's own; the
officer's and auditor's provinces, read-only, with filters) and one melding with its button to
turn it into a claim."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy.orm import selectinload

from faunaschade.access import get_report_in_scope_or_404, reports_in_scope, roles_required
from faunaschade.claims import operations as claims
from faunaschade.claims.from_parcels import FIELDS as FROM_PARCELS
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.i18n import translate
from faunaschade.models import Claim, DamageReport, DamageReportParcel, Role
from faunaschade.reports import operations as reports
from faunaschade.schemas.reports import ReportInSchema, ReportListQuerySchema
from faunaschade.web import damage_form
from faunaschade.web.claims import filing_for
from faunaschade.web.formdata import (
    claim_form_data,
    present,
)
from faunaschade.web.use_case import run
from faunaschade.web.vocab import vocabulary

bp = Blueprint("reports_web", __name__)
farmer_only = roles_required(Role.FARMER)
readers = roles_required(Role.FARMER, Role.OFFICER, Role.AUDITOR)


def report_url(report_id: int) -> str:
    """The melding's page."""
    return url_for("reports_web.report_detail", report_id=report_id)


def euros(typed: str) -> str:
    """An amount as a Dutch farmer types it ("€ 1.250,50", "1250,5") in the schema's notation
    (1250.50); anything else unchanged, so the schema names what is wrong with it."""
    text = typed.strip().removeprefix("€").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return text


def report_form_data(form: Any, parcel_ids: list[int]) -> dict[str, Any]:
    """The melding form as the melding schema's input (the parcel rows as on the claim form)."""
    data = claim_form_data(form, parcel_ids)
    del data["preventive_measures"]
    data.pop("description", None)
    data.update(present(form, "note"))
    if form.get("estimated_damage", "").strip():
        data["estimated_damage"] = euros(form["estimated_damage"])
    return data


@bp.route("/meldingen/nieuw", methods=["GET", "POST"])
@farmer_only
def report_form():
    """Schade melden: record damage without applying."""
    profile, filers = filing_for(None)
    own_parcels = sorted(profile.parcels, key=lambda p: p.name.lower())
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {"rows": {}, "species": []}
    ask = {field: False for field in FROM_PARCELS}
    if request.method == "POST":
        data = report_form_data(request.form, [p.id for p in own_parcels])
        values = {
            **damage_form.typed_values(request.form, data),
            "estimated_damage": request.form.get("estimated_damage", "").strip(),
        }
        posted = damage_form.submit(
            profile,
            own_parcels,
            ReportInSchema(),
            data,
            lambda loaded: run(
                lambda: reports.create_report(profile, loaded, current_user),
                done=lambda report: _(
                    "Uw melding %(reference)s is opgeslagen. Wilt u een tegemoetkoming, dien "
                    "dan een aanvraag in.",
                    reference=report.reference,
                ),
                redirect=lambda report: report_url(report.id),
                expected=(ValidationFailed, Conflict),
            ),
        )
        if posted.response is not None:
            return posted.response
        errors, ask = posted.errors, posted.ask
    return damage_form.page("reports/form.html", profile, filers, own_parcels, values, errors, ask)


def _filters() -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The list's filters from the query string; a bad one is reported and left out."""
    raw = {k: v.strip() for k, v in request.args.items() if k in ("species", "month", "province")}
    raw = {k: v for k, v in raw.items() if v}
    schema = ReportListQuerySchema(unknown=EXCLUDE)
    try:
        return schema.load(raw), {}
    except ValidationError as error:
        errors = translate(error.messages) if isinstance(error.messages, dict) else {}
        return schema.load({k: v for k, v in raw.items() if k not in errors}), errors


@bp.route("/meldingen")
@readers
def report_list():
    """The farmer's meldingen; officers and auditors: those of their provinces, filtered."""
    args, errors = _filters()
    filters = reports.ReportFilters(args["province"], args["species"], args["month"])
    items = db.session.scalars(
        reports.filtered(reports_in_scope(current_user), filters)
        .options(
            selectinload(DamageReport.converted_claim),
            selectinload(DamageReport.farmer),
            selectinload(DamageReport.parcels).selectinload(DamageReportParcel.parcel),
        )
        .order_by(DamageReport.discovered_on.desc(), DamageReport.id.desc())
        .limit(500)
    ).all()
    staff = current_user.role in (Role.OFFICER, Role.AUDITOR)
    return render_template(
        "reports/list.html",
        reports=[reports.with_facts(report) for report in items],
        staff=staff,
        filters=args,
        errors=errors,
        provinces=sorted(current_user.provinces) if staff else [],
        **vocabulary(),
    ), 422 if errors else 200


@bp.route("/meldingen/<int:report_id>")
@readers
def report_detail(report_id: int):
    """One melding: what was reported, the claim deadline, and the claim made from it."""
    report = reports.with_facts(get_report_in_scope_or_404(report_id))
    return render_template("reports/detail.html", report=report, **vocabulary())


@bp.route("/meldingen/<int:report_id>/aanvraag", methods=["POST"])
@farmer_only
def convert(report_id: int):
    """Aanvraag indienen voor deze schade: a draft claim made from the melding."""
    report = get_report_in_scope_or_404(report_id)

    def done(claim: Claim) -> str:
        if claims.is_late(claim):
            return _(
                "Aanvraag %(reference)s is als concept gemaakt uit uw melding. Let op: de termijn "
                "om in te dienen liep af op %(day)s (7 werkdagen na de ontdekking).",
                reference=claim.reference,
                day=f"{claim.submission_deadline:%d-%m-%Y}",
            )
        return _(
            "Aanvraag %(reference)s is als concept gemaakt uit uw melding. Vul de maatregelen "
            "aan en dien de aanvraag uiterlijk %(day)s in.",
            reference=claim.reference,
            day=f"{claim.submission_deadline:%d-%m-%Y}",
        )

    return run(
        lambda: reports.convert_report(report, current_user),
        done=done,
        redirect=lambda claim: url_for("claims_web.claim_detail", claim_id=claim.id),
        back=report_url(report.id),
        expected=(Conflict, ValidationFailed),
    )


def register(app: Any) -> None:
    """The claim page names the melding a claim was made from (a link back)."""
    app.jinja_env.globals["report_of_claim"] = reports.report_of_claim
