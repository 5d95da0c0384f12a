"""Payment batches as the API and the pages show them: plain values, traced to claims."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import current_app
from sqlalchemy import distinct, func, select

from faunaschade.extensions import db
from faunaschade.models import (
    BatchItemKind,
    Claim,
    Decision,
    PaymentBatch,
    PaymentBatchItem,
    PenaltyDecision,
    User,
)
from faunaschade.payouts import sepa
from faunaschade.payouts.batches import status_name
from faunaschade.provinces import PROVINCES


def _names(ids: set[int]) -> dict[int, str]:
    users = db.session.scalars(select(User).where(User.id.in_(ids))) if ids else []
    return {user.id: user.display_name for user in users}


def summaries(batches: list[PaymentBatch]) -> list[dict[str, Any]]:
    """The batches as a list shows them: status, total, counts and who did what."""
    ids = [batch.id for batch in batches]
    counts = {
        row.batch_id: (row.claims, row.transfers)
        for row in db.session.execute(
            select(
                PaymentBatchItem.batch_id,
                func.count(distinct(PaymentBatchItem.claim_id)).label("claims"),
                func.count(PaymentBatchItem.id).label("transfers"),
            )
            .where(PaymentBatchItem.batch_id.in_(ids))
            .group_by(PaymentBatchItem.batch_id)
        )
    }
    names = _names(
        {b.built_by for b in batches} | {b.approved_by for b in batches if b.approved_by}
    )
    return [
        {
            "id": batch.id,
            "province": batch.province,
            "province_name": PROVINCES[batch.province],
            "status": batch.status.value,
            "status_name": status_name(batch),
            "total": batch.total,
            "claim_count": counts.get(batch.id, (0, 0))[0],
            "transfer_count": counts.get(batch.id, (0, 0))[1],
            "built_by": batch.built_by,
            "built_by_name": names.get(batch.built_by),
            "approved_by": batch.approved_by,
            "approved_by_name": names.get(batch.approved_by) if batch.approved_by else None,
            "created_at": batch.created_at,
            "approved_at": batch.approved_at,
            "message_id": batch.message_id,
            "exported_at": batch.exported_at,
            "paid_at": batch.paid_at,
            "cancelled_at": batch.cancelled_at,
        }
        for batch in batches
    ]


def batch_view(batch: PaymentBatch) -> dict[str, Any]:
    """One batch with its debtor and every transfer traced to claim and decision."""
    rows = db.session.execute(
        select(PaymentBatchItem, Claim.reference, Decision.kenmerk, PenaltyDecision.kenmerk)
        .join(Claim, Claim.id == PaymentBatchItem.claim_id)
        .join(Decision, Decision.id == PaymentBatchItem.decision_id)
        # A dwangsom is traced to its penalty decision's kenmerk, as its remittance names it.
        .outerjoin(
            PenaltyDecision,
            (PenaltyDecision.claim_id == PaymentBatchItem.claim_id)
            & (PaymentBatchItem.kind == BatchItemKind.DWANGSOM),
        )
        .where(PaymentBatchItem.batch_id == batch.id)
        .order_by(PaymentBatchItem.id)
    ).all()
    account = sepa.account_for(current_app.config.get("PROVINCE_ACCOUNTS") or {}, batch.province)
    return {
        **summaries([batch])[0],
        "debtor": None if account is None else dataclasses.asdict(account),
        "items": [
            {
                "id": item.id,
                "claim_id": item.claim_id,
                "claim_reference": reference,
                "decision_id": item.decision_id,
                "kenmerk": penalty_kenmerk or kenmerk,
                "kind": item.kind.value,
                "amount": item.amount,
                "end_to_end_id": item.end_to_end_id,
                "creditor_name": item.creditor_name,
                "creditor_iban": item.creditor_iban,
                "remittance": item.remittance,
            }
            for item, reference, kenmerk, penalty_kenmerk in rows
        ],
    }
