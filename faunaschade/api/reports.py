"""Meldingen (free damage reports): farmers report and convert their own; officers and auditors
read those of their provinces."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from faunaschade.access import get_report_in_scope_or_404, reports_in_scope, roles_required
from faunaschade.api.blueprint import Blueprint
from faunaschade.api.idempotency import idempotent
from faunaschade.claims import operations as claims
from faunaschade.extensions import db
from faunaschade.farmers import authorisations
from faunaschade.models import DamageReport, DamageReportParcel, Role
from faunaschade.reports import operations as reports
from faunaschade.schemas.claims import ClaimOutSchema
from faunaschade.schemas.reports import (
    ReportCreateSchema,
    ReportListQuerySchema,
    ReportOutSchema,
    ReportPageSchema,
)

bp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1/reports",
    description="Meldingen: damage reported without applying (no leges, assessment or payment)",
)
farmer_only = roles_required(Role.FARMER)
readers = roles_required(Role.FARMER, Role.OFFICER, Role.AUDITOR)


@bp.route("", methods=["GET"])
@readers
@bp.arguments(ReportListQuerySchema, location="query")
@bp.response(200, ReportPageSchema)
def list_reports(args: dict[str, Any]) -> dict[str, Any]:
    """Meldingen in scope, newest first; filter by province, species and month of discovery."""
    filters = reports.ReportFilters(args["province"], args["species"], args["month"])
    query = reports.filtered(reports_in_scope(current_user), filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page, per_page = args["page"], args["per_page"]
    items = db.session.scalars(
        query.options(
            selectinload(DamageReport.parcels).selectinload(DamageReportParcel.parcel),
            selectinload(DamageReport.converted_claim),
        )
        .order_by(DamageReport.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return {
        "items": [reports.with_facts(report) for report in items],
        "page": page,
        "per_page": per_page,
        "total": total,
    }


@bp.route("", methods=["POST"])
@farmer_only
@idempotent
@bp.arguments(ReportCreateSchema)
@bp.response(201, ReportOutSchema)
def create_report(data: dict[str, Any]) -> reports.ReportFacts:
    """Report damage without applying; province and crop come from the parcels when left out.
    A representative reports for a farmer who authorised them for all claims (`farmer_id`)."""
    profile = authorisations.filing_profile(current_user, data.pop("farmer_id", None))
    report = reports.create_report(profile, data, current_user)
    db.session.flush()  # @idempotent commits with the answer
    return reports.with_facts(report)


@bp.route("/<int:report_id>", methods=["GET"])
@readers
@bp.response(200, ReportOutSchema)
def get_report(report_id: int) -> reports.ReportFacts:
    """One melding in scope."""
    return reports.with_facts(get_report_in_scope_or_404(report_id))


@bp.route("/<int:report_id>/convert", methods=["POST"])
@farmer_only
@idempotent
@bp.response(201, ClaimOutSchema)
def convert_report(report_id: int) -> claims.ClaimFacts:
    """A draft claim from the melding (its parcels, species, crop and discovery day, so the
    submission deadline runs from the discovery); once per melding, else 409."""
    claim = reports.convert_report(get_report_in_scope_or_404(report_id), current_user)
    db.session.flush()  # @idempotent commits with the answer
    return claims.with_facts(claim)
