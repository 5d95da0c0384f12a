"""Officer pages for proposals and approvals, and the farmer's objection (same services)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from faunaschade.access import get_claim_in_scope_or_404, roles_required
from faunaschade.clock import AMSTERDAM
from faunaschade.decisions import delays, objections, penalties
from faunaschade.decisions import operations as decisions
from faunaschade.decisions.calculation import assessed_components
from faunaschade.errors import Conflict, Forbidden, ValidationFailed
from faunaschade.models import Claim, ClaimStatus, Role
from faunaschade.schemas.decisions import (
    CorrectionSchema,
    DelayNoticeInSchema,
    HearingInSchema,
    HearingReportInSchema,
    ObjectionExtensionInSchema,
    ProposalInSchema,
)
from faunaschade.web.claims import claim_page, claim_url
from faunaschade.web.formdata import load, merge_errors, present
from faunaschade.web.use_case import Failed, run

bp = Blueprint("decisions_web", __name__)
officer_only = roles_required(Role.OFFICER)


def _on_claim(
    claim: Claim, action: Callable[[], Any], done: str, form: str = "", anchor: str = "#besluit"
) -> Any:
    """Run one use case; its outcome (or error, nothing half-stored) is shown on the claim page.

    With `form` (the section's form that was posted) a refusal shows the claim page again in
    the same answer, the errors inside the section and what was typed kept; without it the
    refusal is flashed and the page reloaded at the section.
    """
    if not form:
        return run(action, done=done, back=claim_url(claim.id, anchor))
    outcome = run(action, done=done, redirect=claim_url(claim.id, anchor))
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
        if claim.status == ClaimStatus.OBJECTION:
            # The decision on objection: its outcome and, for (deels) gegrond, the corrected
            # assessed damage per component; the same use case as the API's.
            decisions.propose_decision(
                claim,
                current_user,
                reduction_pct=_reduction(form),
                motivation=form.get("motivation", ""),
                objection_outcome=form.get("objection_outcome") or None,
                corrections=_corrections(claim, form),
            )
            return
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


def _euros(raw: str) -> str:
    # "4.200,00", "4200,00", "€ 4200" and "4200.00" are the same amount; the schema checks it.
    text = raw.replace("€", "").replace(" ", "").replace("\u00a0", "")
    return text.replace(".", "").replace(",", ".") if "," in text else text


def _corrections(claim: Claim, form: MultiDict) -> list[dict[str, Any]]:
    """The corrected assessed damage per component (species × area type) the officer changed;
    a component left as it was is no correction."""
    corrections, problems = [], {}
    for index, component in enumerate(assessed_components(claim)):
        raw = form.get(f"assessed_damage_{index}", "").strip()
        if not raw:
            continue
        data, _errors = load(
            CorrectionSchema(),
            {
                "species": component["species"],
                "area_type": component["area_type"],
                "assessed_damage": _euros(raw)[:40],
            },
        )
        if data is None:
            problems[f"assessed_damage_{index}"] = [
                _("Geef een bedrag van 0 tot 100.000.000 euro, bijv. 4200,00.")
            ]
        elif data["assessed_damage"] != component["assessed_damage"]:
            corrections.append(data)
    if problems:
        # Said in the same round: what else the use case would refuse at once.
        if not form.get("objection_outcome"):
            problems["objection_outcome"] = [
                _("Kies: gegrond, deels gegrond, ongegrond of niet-ontvankelijk.")
            ]
        if not form.get("motivation", "").strip():
            problems["motivation"] = [_("Motiveer de beslissing op bezwaar.")]
        raise ValidationFailed(fields=problems)
    return corrections


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


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}")


def _hearing(form: MultiDict) -> dict[str, Any]:
    """The hearing form (a day, a Dutch clock time, a place and/or an https video link) as the
    API's hearing schema loads it."""
    values = present(form, "hearing_day", "hearing_time", "place", "video_link")
    data = {name: values[name] for name in ("place", "video_link") if name in values}
    problems: dict[str, list[str]] = {}
    day, clock = values.get("hearing_day", ""), values.get("hearing_time", "")
    if not (_DAY.fullmatch(day) and _TIME.fullmatch(clock)):
        problems["hearing_at"] = [_("Geef de datum en de tijd (UU:MM) van de hoorzitting.")]
    else:
        try:
            moment = datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=AMSTERDAM)
            data["hearing_at"] = moment.isoformat()
        except ValueError:
            problems["hearing_at"] = [_("Geef een bestaande datum en tijd.")]
    loaded, errors = load(HearingInSchema(), data)
    problems = merge_errors(problems, {k: v for k, v in errors.items() if k not in problems})
    if problems or loaded is None:
        raise ValidationFailed(fields=problems)
    return loaded


def _objection_step(claim: Claim, action: Callable[[], Any], done: str, form: str) -> Any:
    return _on_claim(claim, action, done, form, anchor="#bezwaar")


@bp.route("/aanvragen/<int:claim_id>/bezwaar/hoorzitting", methods=["POST"])
@officer_only
def schedule_hearing(claim_id: int):
    """Plan the hearing on the objection, or move the planned one; an invitation follows."""
    claim = get_claim_in_scope_or_404(claim_id)
    moving = request.form.get("step") == "reschedule"

    def action() -> None:
        data = _hearing(request.form)
        use_case = objections.reschedule_hearing if moving else objections.schedule_hearing
        use_case(claim, current_user, data["hearing_at"], data.get("place"), data.get("video_link"))

    if moving:
        done = _("De hoorzitting is verplaatst; de nieuwe uitnodiging wordt verstuurd.")
    else:
        done = _("De hoorzitting is gepland; de uitnodiging wordt verstuurd.")
    return _objection_step(claim, action, done, "reschedule" if moving else "hearing")


@bp.route("/aanvragen/<int:claim_id>/bezwaar/verslag", methods=["POST"])
@officer_only
def hearing_report(claim_id: int):
    """Record the report of the hearing (from its day)."""
    claim = get_claim_in_scope_or_404(claim_id)

    def action() -> None:
        report = request.form.get("report", "")
        if report.strip():
            _data, errors = load(HearingReportInSchema(), {"report": report})
            if errors:
                raise ValidationFailed(fields=errors)
        objections.record_hearing_report(claim, current_user, report)

    return _objection_step(
        claim, action, _("Het verslag van de hoorzitting is vastgelegd."), "hearing_report"
    )


@bp.route("/aanvragen/<int:claim_id>/bezwaar/verdagen", methods=["POST"])
@officer_only
def extend_objection(claim_id: int):
    """Postpone the decision on objection once by six weeks, with a letter."""
    claim = get_claim_in_scope_or_404(claim_id)

    def action() -> None:
        reason = request.form.get("reason", "")
        if reason.strip():
            _data, errors = load(ObjectionExtensionInSchema(), {"reason": reason})
            if errors:
                raise ValidationFailed(fields=errors)
        objections.extend(claim, current_user, reason)

    return _objection_step(
        claim,
        action,
        _("De beslissing op bezwaar is verdaagd; de brief wordt verstuurd."),
        "objection_extension",
    )
