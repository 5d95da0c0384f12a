"""Payment batches: officer A builds one per province, officer B approves, the pain.001 follows.

Each transfer pays one amount of one decision: the payout, the leges refund and the dwangsom of a
late decision (its penalty decision, Awb 4:18) are separate transfers (README, "Payment
batches"). Marking the batch paid moves its claims to `paid`.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sepaxml.validation import ValidationError as SepaValidationError
from sqlalchemy import ColumnElement, Select, exists, false, select

from faunaschade.audit import chain as audit
from faunaschade.claims import workflow
from faunaschade.clock import today
from faunaschade.errors import Conflict, Forbidden, NotFound, ValidationFailed
from faunaschade.extensions import db
from faunaschade.i18n import N_
from faunaschade.models import (
    BatchItemKind,
    BatchStatus,
    Claim,
    ClaimStatus,
    Decision,
    FarmerProfile,
    PaymentBatch,
    PaymentBatchClaim,
    PaymentBatchItem,
    PenaltyDecision,
    Role,
    User,
)
from faunaschade.models.base import ZERO, utcnow
from faunaschade.models.decisions import current_decision
from faunaschade.models.payments import BATCH_LIFECYCLE, paid_before
from faunaschade.payouts import sepa
from faunaschade.provinces import PROVINCES
from faunaschade.storage import read_bytes, store_bytes

log = logging.getLogger(__name__)
B = BatchStatus
#: Statuses in which the batch's claims are reserved and nothing has gone to the bank yet.
CANCELLABLE = (B.DRAFT, B.APPROVED)


def batches_in_scope(user: User) -> Select[tuple[PaymentBatch]]:
    """Batches of the provinces this officer or auditor works for."""
    query = select(PaymentBatch)
    if user.role in (Role.OFFICER, Role.AUDITOR):
        return query.where(PaymentBatch.province.in_(user.provinces))
    return query.where(false())


def get_batch_in_scope_or_404(batch_id: int, user: User) -> PaymentBatch:
    """The batch if the user may see it; 404 otherwise (never 403)."""
    batch = db.session.scalar(batches_in_scope(user).where(PaymentBatch.id == batch_id))
    if batch is None:
        raise NotFound(_("Betaalbatch niet gevonden."))
    return batch


def debtor_account(province: str) -> sepa.Account:
    """The province's account from PROVINCE_ACCOUNTS; a clear refusal when it is missing."""
    account = sepa.account_for(current_app.config.get("PROVINCE_ACCOUNTS") or {}, province)
    if account is None:
        raise Conflict(
            _(
                "Er is geen (geldige) betaalrekening ingesteld voor %(province)s "
                "(PROVINCE_ACCOUNTS_JSON).",
                province=PROVINCES[province],
            )
        )
    return account


def _check_officer(officer: User, province: str) -> None:
    if officer.role != Role.OFFICER:
        raise Forbidden(_("Alleen een behandelaar kan dit doen."))
    if province not in officer.provinces:
        raise NotFound(_("Betaalbatch niet gevonden."))


def _dwangsom_due() -> ColumnElement[bool]:
    """SQL: the claim's penalty decision fixed a dwangsom above zero."""
    return exists().where(PenaltyDecision.claim_id == Claim.id, PenaltyDecision.amount > 0)


#: One transfer a decision still pays: kind, amount, and the kenmerk its remittance names.
Transfer = tuple[BatchItemKind, Decimal, str]


def payable(province: str) -> list[tuple[Claim, Decision, FarmerProfile]]:
    """Decided claims of the province whose decision in force has money due (a dwangsom alone
    counts too: a rejected claim decided late) and is in no open or paid batch, and which have
    no money in flight in an open batch, oldest first."""
    return [(claim, decision, profile) for claim, decision, profile, _ in _due(province)]


def _due(province: str) -> list[tuple[Claim, Decision, FarmerProfile, list[Transfer]]]:
    """`payable()`'s rows with the transfers each still pays, worked out once (the penalties
    in one statement, what earlier decisions paid once per decision on objection)."""
    in_flight = exists().where(PaymentBatchClaim.live_claim_id == Claim.id)
    decision_batched = exists().where(PaymentBatchClaim.live_decision_id == Decision.id)
    query = (
        select(Claim, Decision, FarmerProfile)
        .join(Decision, (Decision.claim_id == Claim.id) & Decision.in_force)
        .join(FarmerProfile, FarmerProfile.id == Claim.farmer_id)
        .where(
            Claim.province == province,
            Claim.status == ClaimStatus.DECIDED,
            (Decision.payout > 0) | (Decision.leges_refund > 0) | _dwangsom_due(),
            FarmerProfile.erased_at.is_(None),
            ~in_flight,
            ~decision_batched,
        )
        # Autotax claims are paid first (DOMAIN §3.7), then the oldest decisions.
        .order_by(Claim.autotax.desc(), Decision.decided_on, Claim.id)
    )
    rows = db.session.execute(query).all()
    penalties = _penalties([claim.id for claim, _decision, _profile in rows])
    due = [
        (claim, decision, profile, _transfers(decision, penalties.get(claim.id)))
        for claim, decision, profile in rows
    ]
    return [row for row in due if row[3]]


def _transfers(decision: Decision, penalty: PenaltyDecision | None = None) -> list[Transfer]:
    """Kind, amount and the kenmerk its remittance names, of each transfer the decision still
    pays: its amounts (and the claim's dwangsom), less what the claim's earlier decisions had
    transferred (a decision on objection pays only the difference; a lower amount is a reclaim,
    recorded with the decision, never a transfer; a dwangsom is paid once)."""
    paid = paid_before(decision) if decision.version > 1 else {}
    amounts = [
        (BatchItemKind.PAYOUT, decision.payout, decision.kenmerk),
        (BatchItemKind.LEGES_REFUND, decision.leges_refund, decision.kenmerk),
    ]
    if penalty is not None:
        amounts.append((BatchItemKind.DWANGSOM, penalty.amount, penalty.kenmerk))
    due = [
        (kind, amount - paid.get(kind.value, ZERO), kenmerk) for kind, amount, kenmerk in amounts
    ]
    return [(kind, amount, kenmerk) for kind, amount, kenmerk in due if amount > 0]


def _penalties(claim_ids: list[int]) -> dict[int, PenaltyDecision]:
    """The penalty decisions of these claims, by claim (one statement)."""
    found = db.session.scalars(
        select(PenaltyDecision).where(PenaltyDecision.claim_id.in_(claim_ids))
    )
    return {penalty.claim_id: penalty for penalty in found}


#: The largest total a batch can hold (Money is Numeric(12, 2)). Each payout fits on its own;
#: what would push a batch over goes in the next one.
MAX_BATCH_TOTAL = Decimal("9999999999.99")


def build_batch(province: str, officer: User) -> PaymentBatch:
    """Officer A gathers the province's decided, unpaid grants, leges refunds and dwangsommen."""
    if province not in PROVINCES:
        raise ValidationFailed(fields={"province": [_("Onbekende provincie.")]})
    if officer.role != Role.OFFICER:
        raise Forbidden(_("Alleen een behandelaar kan dit doen."))
    if province not in officer.provinces:
        raise Forbidden(
            _("U behandelt geen aanvragen van deze provincie."),
            fields={
                "province": [_("Geen mandaat voor %(province)s.", province=PROVINCES[province])]
            },
        )
    debtor_account(province)
    rows = _due(province)
    if not rows:
        raise Conflict(
            _("Er is in %(province)s niets uit te betalen.", province=PROVINCES[province])
        )
    batch = PaymentBatch(province=province, built_by=officer.id, status=B.DRAFT, total=ZERO)
    db.session.add(batch)
    db.session.flush()
    room = MAX_BATCH_TOTAL
    for claim, decision, profile, transfers in rows:
        amount = sum((a for _, a, _ in transfers), ZERO)
        if amount > room:
            continue  # it does not fit this batch's total: it waits for the next batch
        room -= amount
        entry = PaymentBatchClaim(
            batch_id=batch.id,
            claim_id=claim.id,
            decision_id=decision.id,
            live_claim_id=claim.id,
            live_decision_id=decision.id,
        )
        for kind, amount, kenmerk in transfers:
            entry.items.append(
                PaymentBatchItem(
                    batch_id=batch.id,
                    claim_id=claim.id,
                    decision_id=decision.id,
                    kind=kind,
                    amount=amount,
                    end_to_end_id=sepa.end_to_end_id(batch.id, decision.id, kind.value),
                    creditor_name=profile.name[: sepa.MAX_NAME],
                    creditor_iban=profile.iban,
                    remittance=sepa.remittance(kind.value, kenmerk),
                )
            )
        db.session.add(entry)
    db.session.flush()
    # The database already keeps the total (triggers); setting it here keeps the object current
    # and is checked by the same triggers.
    batch.total = sum((item.amount for item in _items(batch)), ZERO)
    db.session.flush()
    audit.record(
        "payment_batch.built",
        batch,
        actor=officer,
        data={
            "province": province,
            "claims": len(rows),
            "total": batch.total,
            "transfers": [
                {
                    "claim_id": item.claim_id,
                    "decision_id": item.decision_id,
                    "kind": item.kind.value,
                    "amount": item.amount,
                    "end_to_end_id": item.end_to_end_id,
                }
                for item in _items(batch)
            ],
        },
    )
    return batch


def _items(batch: PaymentBatch) -> list[PaymentBatchItem]:
    return list(
        db.session.scalars(
            select(PaymentBatchItem)
            .where(PaymentBatchItem.batch_id == batch.id)
            .order_by(PaymentBatchItem.id)
        )
    )


def _entries(batch: PaymentBatch) -> list[PaymentBatchClaim]:
    return list(
        db.session.scalars(
            select(PaymentBatchClaim)
            .where(PaymentBatchClaim.batch_id == batch.id)
            .order_by(PaymentBatchClaim.claim_id)
        )
    )


def _changed_claims(batch: PaymentBatch) -> list[str]:
    """References of claims that are no longer payable as built (status, decision or IBAN)."""
    changed = []
    for entry in _entries(batch):
        claim = db.session.get(Claim, entry.claim_id)
        decision = current_decision(claim)
        profile = db.session.get(FarmerProfile, claim.farmer_id)
        ibans = {item.creditor_iban for item in entry.items}
        if (
            claim.status != ClaimStatus.DECIDED
            or decision is None
            or decision.id != entry.decision_id
            or ibans != {profile.iban}
        ):
            changed.append(claim.reference)
    return changed


def _still_as_built(batch: PaymentBatch) -> None:
    if changed := _changed_claims(batch):
        raise Conflict(
            _(
                "Deze aanvragen zijn veranderd sinds de batch is samengesteld (status, besluit of "
                "IBAN): %(claims)s. Annuleer de batch en stel een nieuwe samen.",
                claims=", ".join(changed),
            )
        )


def approve_batch(batch: PaymentBatch, officer: User) -> PaymentBatch:
    """Officer B approves; never the officer who built the batch."""
    _check_officer(officer, batch.province)
    if batch.built_by == officer.id:
        raise Forbidden(
            _("U kunt uw eigen betaalbatch niet goedkeuren (vier-ogenprincipe)."), code="four_eyes"
        )
    if batch.status != B.DRAFT:
        raise Conflict(_("Deze betaalbatch is al %(status)s.", status=status_name(batch)))
    _still_as_built(batch)
    BATCH_LIFECYCLE.transition(batch, B.APPROVED)
    batch.approved_by, batch.approved_at = officer.id, utcnow()
    db.session.flush()
    audit.record(
        "payment_batch.approved",
        batch,
        actor=officer,
        from_status=B.DRAFT.value,
        to_status=B.APPROVED.value,
        data={"province": batch.province, "total": batch.total, "transfers": len(_items(batch))},
    )
    return batch


def export_batch(batch: PaymentBatch, officer: User) -> bytes:
    """The pain.001 file; made once on the first export, the same bytes on every later one."""
    _check_officer(officer, batch.province)
    if batch.status in (B.EXPORTED, B.PAID):
        return exported_file(batch, officer)
    if batch.status != B.APPROVED:
        raise Conflict(_("Alleen een goedgekeurde betaalbatch kan worden geëxporteerd."))
    _still_as_built(batch)
    debtor = debtor_account(batch.province)
    items = _items(batch)
    message_id = f"FS-{batch.province}-B{batch.id}-{today():%Y%m%d}"
    transfers = [
        sepa.Transfer(
            end_to_end_id=item.end_to_end_id,
            amount=item.amount,
            creditor_name=item.creditor_name,
            creditor_iban=item.creditor_iban,
            remittance=item.remittance,
        )
        for item in items
    ]
    try:
        xml = sepa.pain001(debtor, transfers, message_id, execution_date=today())
    except SepaValidationError as exc:
        log.error("pain.001 of batch %s does not validate: %s", batch.id, exc.__cause__)
        raise Conflict(_("Het betaalbestand voldoet niet aan het SEPA-schema.")) from None
    stored = store_bytes(xml, "application/xml")
    BATCH_LIFECYCLE.transition(batch, B.EXPORTED)
    batch.message_id, batch.exported_at, batch.file_id = message_id, utcnow(), stored.id
    db.session.flush()
    audit.record(
        "payment_batch.exported",
        batch,
        actor=officer,
        from_status=B.APPROVED.value,
        to_status=B.EXPORTED.value,
        data={
            "message_id": message_id,
            "sha256": stored.sha256,
            "total": batch.total,
            "transfers": len(items),
            "debtor_iban": debtor.iban,
            "execution_date": today(),
        },
    )
    return xml


def exported_file(batch: PaymentBatch, user: User) -> bytes:
    """The pain.001 as exported; reading it changes nothing."""
    _check_officer(user, batch.province)
    if batch.status not in (B.EXPORTED, B.PAID) or batch.file_id is None:
        raise Conflict(_("Deze betaalbatch is nog niet geëxporteerd."))
    return read_bytes(batch.file_id)


def mark_paid(batch: PaymentBatch, officer: User) -> PaymentBatch:
    """The bank executed the file: the batch is paid and its claims move to `paid`."""
    _check_officer(officer, batch.province)
    if batch.status != B.EXPORTED:
        raise Conflict(
            _(
                "Alleen een geëxporteerde betaalbatch kan als betaald worden gemarkeerd; "
                "deze is %(status)s.",
                status=status_name(batch),
            )
        )
    moved, not_moved = [], []
    for entry in _entries(batch):
        claim = db.session.get(Claim, entry.claim_id)
        amounts = {item.kind.value: item.amount for item in entry.items}
        entry.live_claim_id = None  # no money in flight any more; the decision stays paid
        decision = current_decision(claim)
        if claim.status == ClaimStatus.DECIDED and decision and decision.id == entry.decision_id:
            workflow.transition(
                claim,
                ClaimStatus.PAID,
                officer,
                data={"batch_id": batch.id, "decision_id": entry.decision_id, **amounts},
            )
            moved.append(claim.id)
        else:
            # An objection filed after the export (or decided since): the money went out all
            # the same, and a decision on objection pays only the difference.
            not_moved.append(claim.id)
    BATCH_LIFECYCLE.transition(batch, B.PAID)
    batch.paid_at = utcnow()
    db.session.flush()
    audit.record(
        "payment_batch.paid",
        batch,
        actor=officer,
        from_status=B.EXPORTED.value,
        to_status=B.PAID.value,
        data={
            "message_id": batch.message_id,
            "total": batch.total,
            "claims_paid": moved,
            "claims_not_moved": not_moved,
        },
    )
    return batch


def cancel_batch(batch: PaymentBatch, officer: User, reason: str = "") -> PaymentBatch:
    """Cancel a batch that has not gone to the bank; its claims can be paid in a new one."""
    _check_officer(officer, batch.province)
    if batch.status not in CANCELLABLE:
        raise Conflict(
            _(
                "Een betaalbatch die %(status)s is, kan niet meer worden geannuleerd.",
                status=status_name(batch),
            )
        )
    released = []
    for entry in _entries(batch):
        entry.live_claim_id = entry.live_decision_id = None
        released.append(entry.claim_id)
    start = BATCH_LIFECYCLE.transition(batch, B.CANCELLED)
    batch.cancelled_at = utcnow()
    db.session.flush()
    audit.record(
        "payment_batch.cancelled",
        batch,
        actor=officer,
        from_status=start.value,
        to_status=B.CANCELLED.value,
        reason=reason.strip() or None,
        data={"total": batch.total, "claims_released": released},
    )
    return batch


#: Dutch names of the statuses, as in "deze betaalbatch is al …".
STATUS_NAMES = {
    B.DRAFT: N_("in opbouw"),
    B.APPROVED: N_("goedgekeurd"),
    B.EXPORTED: N_("geëxporteerd"),
    B.PAID: N_("betaald"),
    B.CANCELLED: N_("geannuleerd"),
}


def status_name(batch: PaymentBatch) -> str:
    """The batch's status in words, in the reader's language."""
    return _(STATUS_NAMES[batch.status])
