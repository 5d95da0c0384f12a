"""Officer A proposes, officer B approves or sends back; the farmer objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_login import current_user

from faunaschade.access import get_claim_in_scope_or_404, roles_required
from faunaschade.api.answers import commits
from faunaschade.api.blueprint import Blueprint
from faunaschade.api.idempotency import idempotent
from faunaschade.decisions import calculation, delays, objection_view, objections, penalties
from faunaschade.decisions import operations as decisions
from faunaschade.errors import Conflict, NotFound
from faunaschade.extensions import db
from faunaschade.models import (
    Decision,
    Letter,
    Objection,
    Proposal,
    Role,
)
from faunaschade.schemas.decisions import (
    ApprovedSchema,
    DecisionSchema,
    DefaultNoticeInSchema,
    DefaultNoticeSchema,
    DelayNoticeInSchema,
    HearingInSchema,
    HearingReportInSchema,
    ObjectionDetailSchema,
    ObjectionExtensionInSchema,
    ObjectionInSchema,
    ObjectionOutSchema,
    PreviewQuerySchema,
    PreviewSchema,
    ProposalInSchema,
    ProposalOutSchema,
    SendBackSchema,
)
from faunaschade.schemas.letters import LetterSchema

bp = Blueprint("decisions", __name__, url_prefix="/api/v1/claims", description="Decisions")
officer_only = roles_required(Role.OFFICER)
T = TypeVar("T")


def _on_claim(use_case: Callable[..., T], claim_id: int, *args: Any, **kwargs: Any) -> T:
    """Run a step of the procedure on the claim in scope (404 outside it) as the current
    officer or farmer, and flush: the answer is built from what is stored, and @idempotent or
    @commits commits it with the answer."""
    result = use_case(get_claim_in_scope_or_404(claim_id), current_user, *args, **kwargs)
    db.session.flush()
    return result


def _hearing(data: dict[str, Any]) -> tuple[Any, ...]:
    """A hearing's moment, place and video link, as planning and moving it take them."""
    return data["hearing_at"], data.get("place"), data.get("video_link")


@bp.route("/<int:claim_id>/proposal", methods=["POST"])
@officer_only
@idempotent
@bp.arguments(ProposalInSchema)
@bp.response(201, ProposalOutSchema)
def propose(data: dict[str, Any], claim_id: int) -> Proposal:
    """Propose a decision; the rules engine calculates it."""
    return _on_claim(decisions.propose_decision, claim_id, **data)


@bp.route("/<int:claim_id>/proposal", methods=["GET"])
@roles_required(Role.OFFICER, Role.AUDITOR)
@bp.response(200, ProposalOutSchema)
def get_proposal(claim_id: int) -> Proposal:
    """The proposal waiting for approval."""
    return decisions.proposal_in_scope(get_claim_in_scope_or_404(claim_id))


@bp.route("/<int:claim_id>/approve", methods=["POST"])
@officer_only
@commits
@bp.response(200, ApprovedSchema)
def approve(claim_id: int) -> dict[str, Decision]:
    """Approve another officer's proposal (four eyes): the decision is taken."""
    claim = get_claim_in_scope_or_404(claim_id)
    decision = decisions.approve_proposal(decisions.proposal_in_scope(claim), current_user)
    db.session.flush()  # @commits commits after the answer is built
    return {"decision": decision}


@bp.route("/<int:claim_id>/send-back", methods=["POST"])
@officer_only
@commits
@bp.arguments(SendBackSchema)
@bp.response(200, ProposalOutSchema)
def send_back(data: dict[str, Any], claim_id: int) -> Proposal:
    """Return the proposal with a reason."""
    claim = get_claim_in_scope_or_404(claim_id)
    proposal = decisions.send_back(decisions.proposal_in_scope(claim), current_user, data["reason"])
    db.session.flush()  # @commits commits after the answer is built
    return proposal


@bp.route("/<int:claim_id>/decision", methods=["GET"])
@roles_required(Role.FARMER, Role.OFFICER, Role.AUDITOR)
@bp.response(200, DecisionSchema)
def get_decision(claim_id: int) -> Decision:
    """The decision in force."""
    decision = decisions.current_decision(get_claim_in_scope_or_404(claim_id))
    if decision is None:
        raise NotFound(_("Er is nog geen besluit."))
    return decision


@bp.route("/<int:claim_id>/objection", methods=["POST"])
@roles_required(Role.FARMER)
@idempotent
@bp.arguments(ObjectionInSchema)
@bp.response(201, ObjectionOutSchema)
def object_to(data: dict[str, Any], claim_id: int) -> Objection:
    """Object to the decision (within six weeks)."""
    return _on_claim(objections.file_objection, claim_id, data["text"])


@bp.route("/<int:claim_id>/objection", methods=["GET"])
@roles_required(Role.FARMER, Role.OFFICER, Role.AUDITOR)
@bp.response(200, ObjectionDetailSchema)
def get_objection(claim_id: int) -> dict[str, Any]:
    """The objection (the one being handled, else the newest): terms, hearing, outcome, the
    decision objected to and the one that answered it, the difference paid, reclaims, letters."""
    found = objection_view.detail(get_claim_in_scope_or_404(claim_id))
    if found is None:
        # 409, as the other objection steps: a 404 would say the claim is out of scope.
        raise Conflict(
            _("Er is geen bezwaar tegen een besluit over deze aanvraag."), code="no_objection"
        )
    return found


@bp.route("/<int:claim_id>/objection/hearing", methods=["POST"])
@officer_only
@idempotent
@bp.arguments(HearingInSchema)
@bp.response(201, ObjectionOutSchema)
def schedule_hearing(data: dict[str, Any], claim_id: int) -> Objection:
    """Plan the hearing (hoorzitting) on the objection; the invitation letter follows."""
    return _on_claim(objections.schedule_hearing, claim_id, *_hearing(data))


@bp.route("/<int:claim_id>/objection/hearing", methods=["PUT"])
@officer_only
@commits
@bp.arguments(HearingInSchema)
@bp.response(200, ObjectionOutSchema)
def reschedule_hearing(data: dict[str, Any], claim_id: int) -> Objection:
    """Move the planned hearing before it takes place; a new invitation replaces the old one."""
    return _on_claim(objections.reschedule_hearing, claim_id, *_hearing(data))


@bp.route("/<int:claim_id>/objection/hearing-report", methods=["POST"])
@officer_only
@commits
@bp.arguments(HearingReportInSchema)
@bp.response(200, ObjectionOutSchema)
def hearing_report(data: dict[str, Any], claim_id: int) -> Objection:
    """Record the report of the hearing."""
    return _on_claim(objections.record_hearing_report, claim_id, data["report"])


@bp.route("/<int:claim_id>/objection/extension", methods=["POST"])
@officer_only
@commits
@bp.arguments(ObjectionExtensionInSchema)
@bp.response(200, ObjectionOutSchema)
def extend_objection(data: dict[str, Any], claim_id: int) -> Objection:
    """Postpone the decision on objection once by six weeks (Awb 7:10 lid 3), with a letter."""
    return _on_claim(objections.extend, claim_id, data["reason"])


@bp.route("/<int:claim_id>/delay-notice", methods=["POST"])
@officer_only
@idempotent
@bp.arguments(DelayNoticeInSchema)
@bp.response(201, LetterSchema)
def delay_notice(data: dict[str, Any], claim_id: int) -> Letter:
    """Send the verdagingsbericht with the date the decision will follow."""
    return _on_claim(delays.send_delay_notice, claim_id, data.get("expected_on"))


@bp.route("/<int:claim_id>/default-notice", methods=["POST"])
@roles_required(Role.FARMER)
@idempotent
@bp.arguments(DefaultNoticeInSchema)
@bp.response(201, DefaultNoticeSchema)
def default_notice(data: dict[str, Any], claim_id: int) -> dict[str, Any]:
    """Give notice of default (ingebrekestelling, Awb 4:17): the decision is late. Before the
    decision term has passed it is recorded as premature and gives no dwangsom."""
    notice = _on_claim(penalties.send_default_notice, claim_id)
    return {
        "id": notice.id,
        "claim_id": notice.claim_id,
        "received_on": notice.received_on,
        "term_ends_on": notice.term_ends_on,
        "premature": notice.premature,
        "first_penalty_day": notice.first_penalty_day,
        "message": penalties.notice_message(notice),
    }


@bp.route("/<int:claim_id>/calculation-preview", methods=["GET"])
@roles_required(Role.OFFICER, Role.AUDITOR)
@bp.arguments(PreviewQuerySchema, location="query")
@bp.response(200, PreviewSchema)
def calculation_preview(args: dict[str, Any], claim_id: int) -> dict[str, Any]:
    """What the rules engine makes of the claim and its submitted assessment right now."""
    return calculation.calculation_preview(
        get_claim_in_scope_or_404(claim_id), args["reduction_pct"]
    )
