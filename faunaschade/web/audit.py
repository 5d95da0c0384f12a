"""The audit log page for auditors and admins: filters, pages of 50, CSV export."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from faunaschade.access import roles_required
from faunaschade.audit import log as audit_log
from faunaschade.downloads import audit_download
from faunaschade.i18n import N_
from faunaschade.models import Role
from faunaschade.vocabulary import ROLE_LABELS, STATUS_LABELS
from faunaschade.web.formdata import whole_number
from faunaschade.web.vocab import translated

bp = Blueprint("audit_web", __name__)
readers = roles_required(Role.AUDITOR, Role.ADMIN)
PER_PAGE = 50

#: Names of the actions, Dutch message ids (codes not listed are shown as they are).
ACTION_LABELS = {
    "claim.created": N_("Aanvraag aangemaakt"),
    "claim.updated": N_("Aanvraag gewijzigd"),
    "claim.transition": N_("Status gewijzigd"),
    "payment.started": N_("Betaling leges gestart"),
    "payment.paid": N_("Leges betaald"),
    "payment.ended": N_("Betaling leges beëindigd"),
    "assessment.saved": N_("Taxatierapport opgeslagen"),
    "assessment.submitted": N_("Taxatierapport ingediend"),
    "proposal.created": N_("Besluit voorgesteld"),
    "proposal.sent_back": N_("Voorstel teruggestuurd"),
    "decision.taken": N_("Besluit genomen"),
    "objection.filed": N_("Bezwaar ingediend"),
    "payment_batch.paid": N_("Betaalbatch uitbetaald"),
    "letter.stored": N_("Brief opgeslagen"),
    "user.created": N_("Gebruiker aangemaakt"),
    "user.registration_repeated": N_("Registratie met een bestaand e-mailadres"),
    "farmer.registered": N_("Aanvrager geregistreerd"),
    "farmer.kvk_shared": N_("KvK-nummer ook bij een ander account"),
    "parcel.created": N_("Perceel toegevoegd"),
    "parcel.updated": N_("Perceel gewijzigd"),
    "report.created": N_("Schade gemeld (melding)"),
    "report.converted": N_("Melding omgezet in aanvraag"),
}


def _day(value: str, name: str, errors: dict[str, list[str]]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = [gettext("Geef een datum als JJJJ-MM-DD.")]
        return None


def _filters() -> tuple[audit_log.AuditFilters, dict[str, str], dict[str, list[str]], bool]:
    """Filters from the form; an unknown claim or user matches nothing (and says so)."""
    values = {
        k: request.args.get(k, "").strip() for k in ("claim", "actor", "action", "from", "to")
    }
    errors: dict[str, list[str]] = {}
    nothing = False
    claim_id = actor_id = None
    if values["claim"]:
        claim_id = whole_number(values["claim"]) or audit_log.claim_by_reference(values["claim"])
        if claim_id is None:
            errors["claim"] = [gettext("Geen aanvraag met dit kenmerk.")]
            nothing = True
    if values["actor"]:
        actor_id = audit_log.actor_by_email(values["actor"])
        if actor_id is None:
            errors["actor"] = [gettext("Geen gebruiker met dit e-mailadres.")]
            nothing = True
    start = _day(values["from"], "from", errors)
    end = _day(values["to"], "to", errors)
    filters = audit_log.AuditFilters(
        claim_id=claim_id, actor_id=actor_id, action=values["action"] or None, start=start, end=end
    )
    return filters, values, errors, nothing


@bp.route("/auditlog")
@readers
def page():
    """The hash-chained log, newest first."""
    filters, values, errors, nothing = _filters()
    number = max(1, whole_number(request.args.get("page"), 1_000_000) or 1)
    found: dict[str, Any] = (
        {"items": [], "total": 0, "page": 1, "per_page": PER_PAGE}
        if nothing
        else audit_log.page(current_user, filters, number, PER_PAGE)
    )
    pages = max(1, -(-found["total"] // PER_PAGE))
    query = {k: v for k, v in values.items() if v}

    def page_url(n: int) -> str:
        return url_for("audit_web.page", page=n, **query)

    return render_template(
        "audit/log.html",
        events=found["items"],
        total=found["total"],
        number=number,
        pages=pages,
        page_url=page_url,
        values=values,
        errors=errors,
        actions=audit_log.actions(),
        action_labels=translated(ACTION_LABELS),
        role_labels=translated(ROLE_LABELS),
        status_labels=translated(STATUS_LABELS),
        export_url=url_for("audit_web.export", **query),
    )


@bp.route("/auditlog/export.csv")
@readers
def export():
    """The matching events as CSV, in chain order (streamed)."""
    filters, _, _, nothing = _filters()
    if nothing:
        filters = audit_log.AuditFilters(claim_id=-1)
    return audit_download(current_user, filters)
