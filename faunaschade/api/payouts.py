"""SEPA payment batches: build (officer A), approve (officer B), export pain.001, mark paid."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_login import current_user
from sqlalchemy import func, select

from faunaschade.access import roles_required
from faunaschade.api.answers import commits
from faunaschade.api.blueprint import Blueprint
from faunaschade.api.idempotency import idempotent
from faunaschade.downloads import xml_response
from faunaschade.extensions import db
from faunaschade.models import BatchStatus, PaymentBatch, Role
from faunaschade.payouts import batch_views as views
from faunaschade.payouts import batches
from faunaschade.schemas.payouts import (
    BatchBuildSchema,
    BatchCancelSchema,
    BatchListQuerySchema,
    BatchPageSchema,
    BatchSchema,
)

bp = Blueprint(
    "payment_batches",
    __name__,
    url_prefix="/api/v1/payment-batches",
    description="SEPA payment batches",
)
officer_only = roles_required(Role.OFFICER)
XML_RESPONSE = {
    "description": "pain.001.001.03 credit-transfer file",
    "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}},
}


def _batch(batch_id: int) -> PaymentBatch:
    return batches.get_batch_in_scope_or_404(batch_id, current_user)


@bp.route("", methods=["GET"])
@roles_required(Role.OFFICER, Role.AUDITOR)
@bp.arguments(BatchListQuerySchema, location="query")
@bp.response(200, BatchPageSchema)
def list_batches(args: dict[str, Any]) -> dict[str, Any]:
    """Batches of the caller's provinces, newest first."""
    query = batches.batches_in_scope(current_user)
    if args.get("status"):
        query = query.where(PaymentBatch.status == BatchStatus(args["status"]))
    if args.get("province"):
        query = query.where(PaymentBatch.province == args["province"])
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page, per_page = args["page"], args["per_page"]
    found = db.session.scalars(
        query.order_by(PaymentBatch.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return {
        "items": views.summaries(list(found)),
        "page": page,
        "per_page": per_page,
        "total": total,
    }


@bp.route("", methods=["POST"])
@officer_only
@idempotent
@bp.arguments(BatchBuildSchema)
@bp.response(201, BatchSchema)
def build(data: dict[str, Any]) -> dict[str, Any]:
    """Build a batch of the province's decided, unpaid grants and due leges refunds."""
    batch = batches.build_batch(data["province"], current_user)
    db.session.flush()  # @idempotent commits with the answer
    return views.batch_view(batch)


@bp.route("/<int:batch_id>", methods=["GET"])
@roles_required(Role.OFFICER, Role.AUDITOR)
@bp.response(200, BatchSchema)
def get_batch(batch_id: int) -> dict[str, Any]:
    """One batch with every transfer."""
    return views.batch_view(_batch(batch_id))


@bp.route("/<int:batch_id>/approve", methods=["POST"])
@officer_only
@commits
@bp.response(200, BatchSchema)
def approve(batch_id: int) -> dict[str, Any]:
    """Approve another officer's batch (four eyes)."""
    batch = batches.approve_batch(_batch(batch_id), current_user)
    db.session.flush()  # @commits commits after the answer is built
    return views.batch_view(batch)


@bp.route("/<int:batch_id>/pain001.xml", methods=["GET"])
@officer_only
@commits
@bp.doc(responses={200: XML_RESPONSE})
def pain001(batch_id: int) -> Response:
    """The SEPA file; the first download exports the approved batch, later ones repeat it."""
    batch = _batch(batch_id)
    xml = batches.export_batch(batch, current_user)
    db.session.flush()  # @commits commits after the answer is built
    return xml_response(xml, f"pain001-{batch.province}-batch-{batch.id}.xml")


@bp.route("/<int:batch_id>/paid", methods=["POST"])
@officer_only
@commits
@bp.response(200, BatchSchema)
def paid(batch_id: int) -> dict[str, Any]:
    """The bank executed the file: the batch and its claims are paid."""
    batch = batches.mark_paid(_batch(batch_id), current_user)
    db.session.flush()  # @commits commits after the answer is built
    return views.batch_view(batch)


@bp.route("/<int:batch_id>/cancel", methods=["POST"])
@officer_only
@commits
@bp.arguments(BatchCancelSchema)
@bp.response(200, BatchSchema)
def cancel(data: dict[str, Any], batch_id: int) -> dict[str, Any]:
    """Cancel a batch that was not exported; its claims are released."""
    batch = batches.cancel_batch(_batch(batch_id), current_user, data.get("reason", ""))
    db.session.flush()  # @commits commits after the answer is built
    return views.batch_view(batch)
