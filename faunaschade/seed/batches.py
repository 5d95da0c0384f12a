"""Payment batches of the seeded history: twice a month per province, built, approved, paid."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from faunaschade.payouts import sepa
from faunaschade.seed.people import Farmers, Staff
from faunaschade.seed.story import batch_paid_at, moment
from faunaschade.seed.writer import Event, Ids

ZERO = Decimal("0.00")


@dataclass
class Batch:
    """One batch: its row, and what went in (for the totals in its audit events)."""

    row: dict[str, Any]
    transfers: list[tuple[int, int, str, Decimal]] = field(default_factory=list)
    paid_claims: list[int] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((amount for *_, amount in self.transfers), ZERO)


class Batches:
    """Batches as payouts.batches leaves them, with entries and transfers."""

    def __init__(
        self,
        rng: random.Random,
        staff: Staff,
        farmers: Farmers,
        ids: Ids,
        push: Callable[[Event], None],
    ) -> None:
        self.rng, self.staff, self.farmers, self.ids, self.push = rng, staff, farmers, ids, push
        self.batches: dict[tuple[str, date], Batch] = {}
        self.entries: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []

    def add(self, claim: dict[str, Any], decision: dict[str, Any], day: date) -> tuple[int, int]:
        """Put the claim's payout and leges refund in the province's batch paid on `day`;
        returns the batch id and the officer who built it."""
        batch = self.batches.get((claim["province"], day)) or self._batch(claim["province"], day)
        batch_id = batch.row["id"]
        self.entries.append(
            {
                "batch_id": batch_id,
                "claim_id": claim["id"],
                "decision_id": decision["id"],
                # Seeded batches are paid: no money in flight, the decision paid once.
                "live_claim_id": None,
                "live_decision_id": decision["id"],
            }
        )
        farmer = self.farmers.profile(claim["farmer_id"])
        for kind in ("payout", "leges_refund"):
            amount = decision[kind]
            if amount <= 0:
                continue
            self.items.append(
                {
                    "batch_id": batch_id,
                    "decision_id": decision["id"],
                    "claim_id": claim["id"],
                    "kind": kind,
                    "amount": amount,
                    "end_to_end_id": sepa.end_to_end_id(batch_id, decision["id"], kind),
                    "creditor_name": farmer["name"][: sepa.MAX_NAME],
                    "creditor_iban": farmer["iban"],
                    "remittance": sepa.remittance(kind, decision["kenmerk"]),
                }
            )
            batch.transfers.append((claim["id"], decision["id"], kind, amount))
        if decision["payout"] > 0:
            batch.paid_claims.append(claim["id"])
        return batch_id, batch.row["built_by"]

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every batch, entry and transfer; batches with a zero total (the database triggers
        add up their items)."""
        return {
            "payment_batches": [batch.row for batch in self.batches.values()],
            "payment_batch_claims": self.entries,
            "payment_batch_items": self.items,
        }

    def _batch(self, province: str, day: date) -> Batch:
        built_by, approved_by = self.staff.officers[province][:2]
        paid_at = batch_paid_at(province, day)
        built = moment(self.rng, day - timedelta(days=3))
        row = {
            "id": self.ids(),
            "province": province,
            "status": "paid",
            "total": ZERO,
            "built_by": built_by,
            "approved_by": approved_by,
            "approved_at": moment(self.rng, day - timedelta(days=2)),
            "message_id": None,
            "exported_at": moment(self.rng, day - timedelta(days=1)),
            "file_id": None,
            "paid_at": paid_at,
            "cancelled_at": None,
            "version": 1,
            "created_at": built,
        }
        row["message_id"] = f"FS-{province}-B{row['id']}-{row['exported_at']:%Y%m%d}"
        batch = self.batches[(province, day)] = Batch(row)
        self._events(batch, paid_at)
        return batch

    def _events(self, batch: Batch, paid_at: datetime) -> None:
        """Built, approved, exported, paid. An event is chained when its time has come; by then
        every claim of the batch is known (all were discovered before it), so its data is
        filled in late."""
        row = batch.row

        def built() -> dict[str, Any]:
            return {
                "province": row["province"],
                "claims": len({claim for claim, *_ in batch.transfers}),
                "total": batch.total,
                "transfers": [
                    {"claim_id": c, "decision_id": d, "kind": k, "amount": a}
                    for c, d, k, a in batch.transfers
                ],
            }

        def approved() -> dict[str, Any]:
            return {
                "province": row["province"],
                "total": batch.total,
                "transfers": len(batch.transfers),
            }

        def exported() -> dict[str, Any]:
            return {
                "message_id": row["message_id"],
                "total": batch.total,
                "transfers": len(batch.transfers),
            }

        def paid() -> dict[str, Any]:
            return {
                "message_id": row["message_id"],
                "total": batch.total,
                "claims_paid": batch.paid_claims,
                "claims_not_moved": [],
            }

        built_by, approved_by = row["built_by"], row["approved_by"]
        for when, action, actor, start, to, data in (
            (row["created_at"], "built", built_by, None, "draft", built),
            (row["approved_at"], "approved", approved_by, "draft", "approved", approved),
            (row["exported_at"], "exported", built_by, "approved", "exported", exported),
            (paid_at, "paid", built_by, "exported", "paid", paid),
        ):
            self.push(
                Event(
                    when,
                    f"payment_batch.{action}",
                    "paymentbatch",
                    row["id"],
                    actor_id=actor,
                    from_status=start,
                    to_status=to,
                    data=data,
                )
            )
