"""GET /api/v1/statistics (auditors, officers) and GET /api/v1/audit-events (auditors, admins)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from faunaschade.access import roles_required
from faunaschade.api.blueprint import Blueprint
from faunaschade.audit import log as audit_log
from faunaschade.clock import today
from faunaschade.downloads import audit_download, statistics_download
from faunaschade.models import Role
from faunaschade.schemas.statistics import (
    AuditPageSchema,
    AuditQuerySchema,
    StatisticsQuerySchema,
    StatisticsSchema,
)
from faunaschade.statistics import exports
from faunaschade.statistics import figures as statistics

bp = Blueprint(
    "statistics", __name__, url_prefix="/api/v1", description="Statistics and the audit log"
)

_FILE = {"type": "string", "format": "binary"}
STATISTICS_FILES = {
    "description": "format=csv (codes, decimal dot), format=csv-nl (for Dutch Excel: `;`, "
    "decimal comma, Dutch headings and words, UTF-8 with BOM) or format=xlsx: the rows as a "
    "download",
    "content": {"text/csv": {"schema": _FILE}, exports.XLSX_MIME: {"schema": _FILE}},
}


@bp.route("/statistics")
@roles_required(Role.AUDITOR, Role.OFFICER)
@bp.arguments(StatisticsQuerySchema, location="query")
@bp.response(200, StatisticsSchema)
@bp.doc(responses={200: STATISTICS_FILES})
def get_statistics(args: dict[str, Any]):
    """Claims, outcomes and money grouped by damage year, province, species, crop, month or
    outcome, within the caller's provinces; format=csv and csv-nl stream, format=xlsx
    downloads."""
    provinces = statistics.scope_of(current_user)
    filters, group_by = statistics.filters_from(args), args["group_by"]
    if args["format"] != "json":
        return statistics_download(args["format"], group_by, filters, provinces)
    return {
        "as_of": today(),
        "group_by": group_by,
        "filters": {key: value for key, value in vars(filters).items() if value is not None},
        "provinces": list(provinces),
        "rows": list(statistics.rows(group_by, filters, provinces)),
        "totals": statistics.totals(filters, provinces),
    }


def audit_filters(args: dict[str, Any]) -> audit_log.AuditFilters:
    return audit_log.AuditFilters(
        claim_id=args.get("claim_id"),
        actor_id=args.get("actor_id"),
        action=args.get("action"),
        start=args.get("from_"),
        end=args.get("to"),
    )


@bp.route("/audit-events")
@roles_required(Role.AUDITOR, Role.ADMIN)
@bp.arguments(AuditQuerySchema, location="query")
@bp.response(200, AuditPageSchema)
@bp.doc(responses={200: {"description": "format=csv", "content": {"text/csv": {"schema": _FILE}}}})
def audit_events(args: dict[str, Any]):
    """The hash-chained audit log, newest first; filter by claim, actor, action and period."""
    filters = audit_filters(args)
    if args["format"] == "csv":
        return audit_download(current_user, filters)
    return audit_log.page(current_user, filters, args["page"], args["per_page"])
