"""Officer pages for proposals and approvals, and the farmer's objection (same services)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from faunaschade.access import get_claim_in_scope_or_404, roles_required
from faunaschade.claims import livestock
from faunaschade.decisions import delays, objections
from faunaschade.decisions import operations as decisions
from faunaschade.errors import AppError, ValidationFailed
from faunaschade.extensions import db
from faunaschade.models import Role

bp = Blueprint("decisions_web", __name__)
officer_only = roles_required(Role.OFFICER)


def _back(claim_id: int, anchor: str = "besluit") -> Any:
    return redirect(url_for("farmer.claim_detail", claim_id=claim_id) + f"#{anchor}")


def _run(claim_id: int, action: Any, done: str) -> Any:
    """Run one use case; its error is shown on the claim page, nothing half-stored."""
    try:
        action()
    except AppError as exc:
        db.session.rollback()
        detail = " ".join(m for msgs in exc.fields.values() for m in msgs)
        flash(f"{exc.message} {detail}".strip(), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return _back(claim_id)


def _percentage(raw: str) -> Decimal:
    try:
        value = Decimal((raw or "0").replace(",", ".").strip() or "0")
    except InvalidOperation:
        value = Decimal("-1")
    # NaN cannot even be compared (InvalidOperation), so it is refused first.
    if not value.is_finite() or not Decimal("0") <= value <= Decimal("100"):
        raise ValidationFailed("Korting ongeldig.", fields={"reduction_pct": ["Geef 0 tot 100."]})
    return value.quantize(Decimal("0.01"))


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
            reduction_pct=_percentage(form.get("reduction_pct", "0")),
            motivation=form.get("motivation", ""),
            reject=form.get("decision") == "reject",
            reasons=form.getlist("reasons"),
        )

    return _run(claim.id, action, "Het voorstel staat klaar voor een tweede behandelaar.")


@bp.route("/aanvragen/<int:claim_id>/goedkeuren", methods=["POST"])
@officer_only
def approve(claim_id: int):
    """Officer B approves; the decision letter follows."""
    claim = get_claim_in_scope_or_404(claim_id)
    return _run(
        claim.id,
        lambda: decisions.approve_proposal(decisions.proposal_in_scope(claim), current_user),
        "Het besluit is genomen; de brief wordt gemaakt.",
    )


@bp.route("/aanvragen/<int:claim_id>/terugsturen", methods=["POST"])
@officer_only
def send_back(claim_id: int):
    """Officer B returns the proposal."""
    claim = get_claim_in_scope_or_404(claim_id)
    return _run(
        claim.id,
        lambda: decisions.send_back(
            decisions.proposal_in_scope(claim), current_user, request.form.get("reason", "")
        ),
        "Het voorstel is teruggestuurd.",
    )


@bp.route("/aanvragen/<int:claim_id>/bezwaar", methods=["POST"])
@roles_required(Role.FARMER)
def objection(claim_id: int):
    """The farmer objects to the decision."""
    claim = get_claim_in_scope_or_404(claim_id)
    file = request.files.get("file")
    upload = (file.filename, file.read()) if file and file.filename else None
    return _run(
        claim.id,
        lambda: objections.file_objection(
            claim, current_user, request.form.get("text", ""), upload
        ),
        "Uw bezwaar is ontvangen. U krijgt een beslissing op bezwaar.",
    )


@bp.route("/aanvragen/<int:claim_id>/verdaging", methods=["POST"])
@officer_only
def delay_notice(claim_id: int):
    """Send the verdagingsbericht."""
    from datetime import date

    claim = get_claim_in_scope_or_404(claim_id)
    raw = request.form.get("expected_on", "").strip()

    def action() -> None:
        try:
            expected = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise ValidationFailed(
                "Datum ongeldig.", fields={"expected_on": ["Geef een datum als JJJJ-MM-DD."]}
            ) from None
        delays.send_delay_notice(claim, current_user, expected)

    return _run(claim.id, action, "Het verdagingsbericht wordt gemaakt en verstuurd.")


@bp.route("/aanvragen/<int:claim_id>/dna-uitkomst", methods=["POST"])
@officer_only
def wolf_finding(claim_id: int):
    """Record the field visit and DNA outcome of a livestock claim."""
    from datetime import date

    claim = get_claim_in_scope_or_404(claim_id)
    form = request.form

    def action() -> None:
        if form.get("finding") not in ("certain", "probable", "dog", "fox", "unknown"):
            raise ValidationFailed("Uitkomst ongeldig.", fields={"finding": ["Kies een uitkomst."]})
        try:
            visited = date.fromisoformat(form.get("visited_on", ""))
        except ValueError:
            raise ValidationFailed(
                "Datum ongeldig.", fields={"visited_on": ["Geef de datum van het veldbezoek."]}
            ) from None
        livestock.record_wolf_finding(
            claim, current_user, form["finding"], visited, form.get("remarks", "")
        )

    return _run(claim.id, action, "De uitkomst van het veldbezoek is vastgelegd.")
