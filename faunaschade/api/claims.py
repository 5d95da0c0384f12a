"""Claims for farmers (own) and officers/auditors (their provinces)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from faunaschade.access import (
    claims_in_scope,
    get_attachment_in_scope_or_404,
    get_claim_in_scope_or_404,
    roles_required,
)
from faunaschade.api.answers import commits
from faunaschade.api.blueprint import Blueprint
from faunaschade.api.idempotency import idempotent
from faunaschade.claims import areas, attachments, completion, livestock
from faunaschade.claims import leges as payments
from faunaschade.claims import operations as claims
from faunaschade.claims import worklist as queue
from faunaschade.claims.leges_providers import provider
from faunaschade.clock import damage_year_bounds
from faunaschade.downloads import send_attachment
from faunaschade.errors import NotFound, ValidationFailed
from faunaschade.extensions import db
from faunaschade.farmers import authorisations
from faunaschade.farmers import operations as farmers
from faunaschade.models import (
    Attachment,
    Claim,
    ClaimParcel,
    ClaimSpecies,
    ClaimStatus,
    Payment,
    PaymentStatus,
    Role,
)
from faunaschade.schemas.claims import (
    AttachmentOutSchema,
    ClaimAreasSchema,
    ClaimCreateSchema,
    ClaimListQuerySchema,
    ClaimOutSchema,
    ClaimPageSchema,
    ClaimPatchSchema,
    CompleteSchema,
    CompletionRequestSchema,
    LivestockClaimInSchema,
    PaymentSchema,
    PaymentStartedSchema,
    QueuePageSchema,
    QueueQuerySchema,
    SubmitSchema,
    TestConfirmSchema,
    WolfFindingInSchema,
    queue_page_json,
)

bp = Blueprint("claims", __name__, url_prefix="/api/v1/claims", description="Claims")
farmer_only = roles_required(Role.FARMER)
officer_only = roles_required(Role.OFFICER)


def answers_with_facts(view: Callable[..., Claim]) -> Callable[..., claims.ClaimFacts]:
    """The view's claim, answered with its facts (deadlines, warnings) worked out by claims."""

    @functools.wraps(view)
    def answer(*args: Any, **kwargs: Any) -> claims.ClaimFacts:
        return claims.with_facts(view(*args, **kwargs))

    return answer


readers = roles_required(Role.FARMER, Role.ASSESSOR, Role.OFFICER, Role.AUDITOR)


def own_claim(claim_id: int) -> Claim:
    """A claim of the logged-in farmer (404 otherwise)."""
    return get_claim_in_scope_or_404(claim_id)


def filtered(args: dict[str, Any]):
    """The scoped claims query with the list filters applied."""
    query = claims_in_scope(current_user)
    if args["status"]:
        try:
            query = query.where(Claim.status == ClaimStatus(args["status"]))
        except ValueError:
            raise ValidationFailed(fields={"status": [_("Onbekende status.")]}) from None
    if args["province"]:
        query = query.where(Claim.province == args["province"])
    if args["crop"]:
        query = query.where(Claim.crop == args["crop"])
    if args["species"]:
        query = query.where(
            Claim.id.in_(
                select(ClaimSpecies.claim_id).where(ClaimSpecies.species == args["species"])
            )
        )
    if year := args["damage_year"]:
        # Schadejaar: 1 November of the year before up to 31 October, named after its end.
        query = query.where(Claim.discovered_on.between(*damage_year_bounds(year)))
    return query


@bp.route("", methods=["GET"])
@readers
@bp.arguments(ClaimListQuerySchema, location="query")
@bp.response(200, ClaimPageSchema)
def list_claims(args: dict[str, Any]) -> dict[str, Any]:
    """Claims in scope, newest first, filtered and paginated."""
    query = filtered(args)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page, per_page = args["page"], args["per_page"]
    # What the schema dumps of every claim, loaded for the whole page at once (no N+1).
    related = (
        selectinload(Claim.species),
        selectinload(Claim.parcels).selectinload(ClaimParcel.parcel),
        selectinload(Claim.attachments),
        selectinload(Claim.decision_in_force),
        selectinload(Claim.farmer),
    )
    items = db.session.scalars(
        query.options(*related)
        .order_by(Claim.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    items = [claims.with_facts(claim) for claim in items]
    return {"items": items, "page": page, "per_page": per_page, "total": total}


@bp.route("", methods=["POST"])
@farmer_only
@idempotent
@bp.arguments(ClaimCreateSchema)
@bp.response(201, ClaimOutSchema)
@answers_with_facts
def create_claim(data: dict[str, Any]) -> Claim:
    """A new claim, saved as draft; with `farmer_id`, for a farmer who authorised you."""
    profile = authorisations.filing_profile(current_user, data.pop("farmer_id", None))
    claim = claims.create_claim(profile, data, current_user)
    db.session.flush()  # @idempotent commits with the answer
    return claim


@bp.route("/<int:claim_id>", methods=["GET"])
@readers
@bp.response(200, ClaimOutSchema)
@answers_with_facts
def get_claim(claim_id: int) -> Claim:
    """One claim in scope."""
    return get_claim_in_scope_or_404(claim_id)


@bp.route("/<int:claim_id>/areas", methods=["GET"])
@readers
@bp.response(200, ClaimAreasSchema)
def claim_areas(claim_id: int) -> dict[str, Any]:
    """The claim's area types with their figures (the parts of each parcel on the map, the
    layer and its version; parcels not checked on the map and why) and the same as a map:
    a GeoJSON FeatureCollection in WGS84 with the parcels and the layers around them. Every
    role that may see the claim (the assessor: an assigned one)."""
    claim = get_claim_in_scope_or_404(claim_id)
    return {"figures": areas.figures(claim), "map": areas.map_geojson(claim)}


@bp.route("/<int:claim_id>", methods=["PATCH"])
@farmer_only
@commits
@bp.arguments(ClaimPatchSchema)
@bp.response(200, ClaimOutSchema)
@answers_with_facts
def patch_claim(data: dict[str, Any], claim_id: int) -> Claim:
    """Change a draft."""
    claim = claims.update_claim(own_claim(claim_id), data, current_user)
    db.session.flush()  # @commits commits after the answer is built
    return claim


@bp.route("/<int:claim_id>/submit", methods=["POST"])
@farmer_only
@commits
@bp.arguments(SubmitSchema, required=False)
@bp.response(200, ClaimOutSchema)
@answers_with_facts
def submit(data: dict[str, Any], claim_id: int) -> Claim:
    """Submit a draft; when late, `acknowledge_late: true` is needed."""
    claim = claims.submit_claim(
        own_claim(claim_id), current_user, acknowledge_late=data.get("acknowledge_late", False)
    )
    db.session.flush()  # @commits commits after the answer is built
    return claim


@bp.route("/<int:claim_id>/withdraw", methods=["POST"])
@farmer_only
@commits
@bp.response(200, ClaimOutSchema)
@answers_with_facts
def withdraw(claim_id: int) -> Claim:
    """Withdraw the claim."""
    claim = claims.withdraw_claim(own_claim(claim_id), current_user)
    db.session.flush()  # @commits commits after the answer is built
    return claim


@bp.route("/<int:claim_id>/attachments", methods=["POST"])
@farmer_only
@idempotent
@bp.response(201, AttachmentOutSchema)
def upload(claim_id: int) -> Attachment:
    """Upload a photo (JPEG, PNG) or PDF as multipart field `file`."""
    claim = own_claim(claim_id)
    file = request.files.get("file")
    if file is None:
        raise ValidationFailed(fields={"file": [_("Kies een bestand (multipart-veld 'file').")]})
    attachment = attachments.add_attachment(claim, file.filename or "", file.read(), current_user)
    db.session.flush()  # @idempotent commits with the answer
    return attachment


@bp.route("/<int:claim_id>/attachments/<int:attachment_id>", methods=["GET"])
@readers
def download(claim_id: int, attachment_id: int):
    """The attachment's bytes, only for those who may see the claim."""
    return send_attachment(get_attachment_in_scope_or_404(claim_id, attachment_id))


@bp.route("/<int:claim_id>/completion-request", methods=["POST"])
@officer_only
@idempotent
@bp.arguments(CompletionRequestSchema)
@bp.response(200, ClaimOutSchema)
@answers_with_facts
def completion_request(data: dict[str, Any], claim_id: int) -> Claim:
    """Ask the farmer to complete the claim (Awb 4:5): letter and e-mail with the deadline."""
    claim = completion.request_completion(
        get_claim_in_scope_or_404(claim_id), current_user, data["message"], data["days"]
    )
    db.session.flush()  # @idempotent commits with the answer
    return claim


@bp.route("/<int:claim_id>/complete", methods=["POST"])
@roles_required(Role.FARMER, Role.OFFICER)
@commits
@bp.arguments(CompleteSchema, required=False)
@bp.response(200, ClaimOutSchema)
@answers_with_facts
def complete(data: dict[str, Any], claim_id: int) -> Claim:
    """The claim is complete again: its farmer added what was asked, or an officer says so."""
    claim = completion.complete_claim(
        get_claim_in_scope_or_404(claim_id), current_user, data.get("note") or ""
    )
    db.session.flush()  # @commits commits after the answer is built
    return claim


worklist_bp = Blueprint(
    "queue", __name__, url_prefix="/api/v1", description="The officer's queue (werkvoorraad)"
)


@worklist_bp.route("/queue", methods=["GET"])
@officer_only
@worklist_bp.arguments(QueueQuerySchema, location="query")
@worklist_bp.response(200, QueuePageSchema)
def officer_queue(args: dict[str, Any]) -> Response:
    """Claims of the officer's provinces with running deadlines, most urgent first."""
    page, per_page = args.pop("page"), args.pop("per_page")
    # QueuePageSchema's answer, written without marshmallow (see queue_page_json).
    return jsonify(queue_page_json(queue.officer_queue(current_user, args, page, per_page)))


# -- Livestock damage by wolf or golden jackal: the keeper's report and the officer's finding --
livestock_bp = Blueprint(
    "livestock", __name__, url_prefix="/api/v1/claims", description="Livestock (wolf)"
)


@livestock_bp.route("/livestock", methods=["POST"])
@roles_required(Role.FARMER)
@idempotent
@livestock_bp.arguments(LivestockClaimInSchema)
@livestock_bp.response(201, ClaimOutSchema)
@answers_with_facts
def report(data: dict[str, Any]) -> Claim:
    """Report animals killed or injured by a wolf or golden jackal (within 24 hours; no leges)."""
    claim = livestock.report_livestock_damage(farmers.profile_of(current_user), data, current_user)
    db.session.flush()  # @idempotent commits with the answer
    return claim


@livestock_bp.route("/<int:claim_id>/wolf-finding", methods=["POST"])
@roles_required(Role.OFFICER)
@commits
@livestock_bp.arguments(WolfFindingInSchema)
@livestock_bp.response(200, ClaimOutSchema)
@answers_with_facts
def wolf_finding(data: dict[str, Any], claim_id: int) -> Claim:
    """Record the field visit and the DNA outcome."""
    claim = livestock.record_wolf_finding(
        get_claim_in_scope_or_404(claim_id),
        current_user,
        data["finding"],
        data["visited_on"],
        data.get("remarks") or "",
    )
    db.session.flush()  # @commits commits after the answer is built
    return claim


# -- Leges: start a payment, the provider's webhook, and the test provider's confirm --
leges_bp = Blueprint("payments", __name__, url_prefix="/api/v1", description="Leges payments")
leges_test_bp = Blueprint(
    "payments_test", __name__, url_prefix="/api/v1", description="Test payment provider only"
)


def _payment(payment_id: int) -> Payment:
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(_("Betaling niet gevonden."))
    return payment


def _answer(payment: Payment, changed: bool) -> dict[str, Any]:
    return {
        "id": payment.id,
        "claim_id": payment.claim_id,
        "amount": payment.amount,
        "status": payment.status.value,
        "paid_at": payment.paid_at,
        "changed": changed,
    }


@leges_bp.route("/claims/<int:claim_id>/payment", methods=["POST"])
@roles_required(Role.FARMER)
@idempotent
@leges_bp.response(201, PaymentStartedSchema)
def start(claim_id: int) -> dict[str, Any]:
    """Start paying the leges; send the farmer to `redirect_url`."""
    payment, redirect_url = payments.start_payment(own_claim(claim_id), current_user)
    db.session.flush()  # @idempotent commits with the answer
    return {"payment_id": payment.id, "redirect_url": redirect_url, "amount": payment.amount}


@leges_bp.route("/payments/<int:payment_id>/webhook", methods=["POST"])
@commits
@leges_bp.response(200, PaymentSchema)
def webhook(payment_id: int) -> dict[str, Any]:
    """The provider reports a payment's outcome (verified by the provider adapter)."""
    payment = _payment(payment_id)
    status = provider().webhook_status(payment, request)
    changed = payments.confirm_payment(payment, status)
    db.session.flush()  # @commits commits after the answer is built
    return _answer(db.session.get(Payment, payment_id), changed)


@leges_test_bp.route("/payments/<int:payment_id>/test-confirm", methods=["POST"])
@roles_required(Role.FARMER)
@commits
@leges_test_bp.arguments(TestConfirmSchema, required=False)
@leges_test_bp.response(200, PaymentSchema)
def test_confirm(data: dict[str, Any], payment_id: int) -> dict[str, Any]:
    """Confirm as the test provider would, for the paying farmer (PAYMENT_PROVIDER=test only)."""
    if current_app.config["PAYMENT_PROVIDER"] != "test":
        raise NotFound()
    payment = _payment(payment_id)
    own_claim(payment.claim_id)  # another farmer's payment is 404
    changed = payments.confirm_payment(payment, PaymentStatus(data.get("status", "paid")))
    db.session.flush()  # @commits commits after the answer is built
    return _answer(db.session.get(Payment, payment_id), changed)
