"""Officer pages for proposals and approvals, and the farmer's objection (same services)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from faunaschade.access import get_claim_in_scope_or_404, roles_required
from faunaschade.decisions import delays, objections, penalties
from faunaschade.decisions import operations as decisions
from faunaschade.errors import Conflict, Forbidden, ValidationFailed
from faunaschade.models import Claim, Role
from faunaschade.schemas.decisions import DelayNoticeInSchema, ProposalInSchema
from faunaschade.web.claims import claim_page, claim_url
from faunaschade.web.formdata import load, present
from faunaschade.web.use_case import Failed, run

bp = Blueprint("decisions_web", __name__)
officer_only = roles_required(Role.OFFICER)


def _on_claim(claim: Claim, action: Callable[[], Any], done: str, form: str = "") -> Any:
    """Run one use case; its outcome (or error, nothing half-stored) is shown on the claim page.

    With `form` (the section's form that was posted) a refusal shows the claim page again in
    the same answer, the errors inside the section and what was typed kept; without it the
    refusal is flashed and the page reloaded at the section.
    """
    if not form:
        return run(action, done=done, back=claim_url(claim.id, "#besluit"))
    outcome = run(action, done=done, redirect=claim_url(claim.id, "#besluit"))
    return claim_page(claim, form, outcome) if isinstance(outcome, Failed) else outcome


def _reduction(form: MultiDict) -> Decimal:
    # The proposal schema reads the percentage (0 to 100, two decimals); the page keeps its words.
    raw = present(form, "reduction_pct").get("reduction_pct", "0").replace(",", ".")
    data, _problems = load(ProposalInSchema(only=("reduction_pct",)), {"reduction_pct": raw})
    if data is None:
        problems = {"reduction_pct": [_("Geef een percentage van 0 tot 100, bijv. 10 of 12,5.")]}
        if not form.get("motivation", "").strip():
            # A reduction was meant: its motivation is missing as well, said in the same round.
            problems["motivation"] = [_("Motiveer de korting.")]
        raise ValidationFailed(_("Korting ongeldig."), fields=problems)
    return data["reduction_pct"]


@bp.route("/aanvragen/<int:claim_id>/voorstel", methods=["POST"])
@officer_only
def propose(claim_id: int):
    """Officer A proposes a decision."""
    claim = get_claim_in_scope_or_404(claim_id)
    form = request.form

    def action() -> None:
        decisions.propose_decision(
            claim,
            current_user,
            reduction_pct=_reduction(form),
            motivation=form.get("motivation", ""),
            reject=form.get("decision") == "reject",
            reasons=form.getlist("reasons"),
        )

    return _on_claim(
        claim, action, _("Het voorstel staat klaar voor een tweede behandelaar."), "proposal"
    )


@bp.route("/aanvragen/<int:claim_id>/goedkeuren", methods=["POST"])
@officer_only
def approve(claim_id: int):
    """Officer B approves; the decision letter follows."""
    claim = get_claim_in_scope_or_404(claim_id)
    return _on_claim(
        claim,
        lambda: decisions.approve_proposal(decisions.proposal_in_scope(claim), current_user),
        _("Het besluit is genomen; de brief wordt gemaakt."),
        "approve",
    )


@bp.route("/aanvragen/<int:claim_id>/terugsturen", methods=["POST"])
@officer_only
def send_back(claim_id: int):
    """Officer B returns the proposal."""
    claim = get_claim_in_scope_or_404(claim_id)
    return _on_claim(
        claim,
        lambda: decisions.send_back(
            decisions.proposal_in_scope(claim), current_user, request.form.get("reason", "")
        ),
        _("Het voorstel is teruggestuurd."),
        "send_back",
    )


@bp.route("/aanvragen/<int:claim_id>/bezwaar", methods=["POST"])
@roles_required(Role.FARMER)
def objection(claim_id: int):
    """The farmer objects to the decision."""
    claim = get_claim_in_scope_or_404(claim_id)
    file = request.files.get("file")
    upload = (file.filename, file.read()) if file and file.filename else None
    return _on_claim(
        claim,
        lambda: objections.file_objection(
            claim, current_user, request.form.get("text", ""), upload
        ),
        _("Uw bezwaar is ontvangen. U krijgt een beslissing op bezwaar."),
        "objection",
    )


@bp.route("/aanvragen/<int:claim_id>/verdaging", methods=["POST"])
@officer_only
def delay_notice(claim_id: int):
    """Send the verdagingsbericht."""
    claim = get_claim_in_scope_or_404(claim_id)

    def action() -> None:
        data, _problems = load(DelayNoticeInSchema(), present(request.form, "expected_on"))
        if data is None:
            raise ValidationFailed(
                _("Datum ongeldig."), fields={"expected_on": [_("Geef een datum als JJJJ-MM-DD.")]}
            )
        delays.send_delay_notice(claim, current_user, data["expected_on"])

    return _on_claim(
        claim, action, _("Het verdagingsbericht wordt gemaakt en verstuurd."), "delay_notice"
    )


@bp.route("/aanvragen/<int:claim_id>/ingebrekestelling", methods=["POST"])
@roles_required(Role.FARMER)
def default_notice(claim_id: int):
    """The farmer gives notice of default (ingebrekestelling): the decision is late."""
    claim = get_claim_in_scope_or_404(claim_id)
    return run(
        lambda: penalties.send_default_notice(claim, current_user),
        done=penalties.notice_message,
        back=claim_url(claim.id, "#ingebrekestelling"),
        expected=(Conflict, Forbidden),
        race=_("U hebt de provincie al in gebreke gesteld."),
    )
