"""A farmer's personal data: export everything held about them (AVG art. 15/20), erase it after
the retention period (art. 17) while the financial records and the audit chain stay intact.

Retention rule: a farmer's personal data is kept for RETENTION_YEARS (7) full years after the
last decision on any of their claims (fiscal retention, art. 52 AWR, and the provinces'
Archiefwet selection lists for subsidy decisions); a farmer without decisions counts from the
last change to any claim, or from registration. Before that date only an explicit, audited
force by an administrator erases (e.g. a justified art. 17 request). Claims still in handling
(or with a payout not yet paid) are never erased.

What erasure does: the profile's name, KvK number, IBAN, address, postcode and city, and the
login's e-mail and name are replaced by anonymised values (the optional phone number is removed);
the password can no longer match and
every token is revoked; the bytes of attachments and letter PDFs are deleted (their metadata
and SHA-256 stay); the farmer's free texts (claim description, zienswijzen, objections,
completion notes, the notes of meldingen) and parcel names and drawings are cleared; the
creditor name and IBAN on the farmer's SEPA transfers are anonymised. Claims, meldingen,
assessments, decisions, payments, batches and all their amounts stay. The audit log holds ids,
codes and amounts only (no personal data), so it is not touched: one new event `farmer.erased`
is appended and `flask audit verify` stays intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from faunaschade.accounts import users
from faunaschade.audit import chain as audit
from faunaschade.clock import today
from faunaschade.errors import Conflict, NotFound
from faunaschade.extensions import db
from faunaschade.models import (
    Attachment,
    AuditEvent,
    AuthToken,
    Claim,
    ClaimStatus,
    CompletionNote,
    DamageReport,
    Decision,
    FarmerProfile,
    IdempotencyKey,
    Letter,
    Objection,
    Payment,
    PaymentBatch,
    PaymentBatchItem,
    Role,
    StoredFile,
    User,
    Zienswijze,
)
from faunaschade.models.base import locked, utcnow
from faunaschade.models.decisions import current_decision

#: Years personal data is kept after the last decision (fiscal and archival retention).
RETENTION_YEARS = 7
EXPORT_FORMAT = "faunaschade-export-v1"
ERASED = "[verwijderd]"
#: Claims in these states are finished; anything else is still in handling.
FINISHED = (ClaimStatus.DRAFT, ClaimStatus.WITHDRAWN, ClaimStatus.DECIDED, ClaimStatus.PAID)


# --------------------------------------------------------------------------- export

CLAIM_FIELDS = (
    "id", "reference", "province", "kind", "status", "crop", "discovered_on", "discovered_at",
    "submitted_at", "preventive_measures", "wolf_finding", "description", "leges",
    "submission_deadline", "completion_deadline", "zienswijze_deadline", "decision_target",
    "created_at", "updated_at",
)  # fmt: skip
DECISION_FIELDS = (
    "id", "kenmerk", "version", "decided_on", "outcome", "assessed_damage", "own_risk",
    "supplement", "reduction", "payout", "leges_refund", "objection_deadline", "superseded_at",
)  # fmt: skip
PROFILE_FIELDS = (
    "id", "name", "kvk", "iban", "address", "postcode", "city", "phone", "created_at", "erased_at",
)  # fmt: skip
PARCEL_FIELDS = (
    "id", "name", "area_ha", "crop", "province", "tenure", "geometry", "created_at",
)  # fmt: skip
REPORT_FIELDS = (
    "id", "reference", "province", "crop", "discovered_on", "estimated_damage", "note",
    "converted_claim_id", "created_at",
)  # fmt: skip
EVENT_FIELDS = (
    "seq", "occurred_at", "action", "object_type", "object_id", "claim_id", "from_status",
    "to_status", "reason", "data",
)  # fmt: skip


def _iso(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def _row(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _iso(getattr(obj, name)) for name in names}


def _claim_ids(profile: FarmerProfile) -> list[int]:
    return list(db.session.scalars(select(Claim.id).where(Claim.farmer_id == profile.id)))


def _claims_export(profile: FarmerProfile) -> list[dict[str, Any]]:
    claims = db.session.scalars(
        select(Claim).where(Claim.farmer_id == profile.id).order_by(Claim.id)
    )
    out = []
    for claim in claims:
        row = _row(claim, CLAIM_FIELDS)
        row["species"] = sorted(s.species for s in claim.species)
        row["parcels"] = [
            _row(p, ("parcel_id", "damaged_area_ha", "area_type")) for p in claim.parcels
        ]
        row["attachments"] = [
            {
                **_row(a, ("id", "kind", "filename", "content_type", "created_at")),
                "size": a.file.size,
                "sha256": a.file.sha256,
            }
            for a in sorted(claim.attachments, key=lambda a: a.id)
        ]
        row["payments"] = [
            _row(p, ("id", "provider", "provider_ref", "amount", "status", "paid_at", "created_at"))
            for p in db.session.scalars(
                select(Payment).where(Payment.claim_id == claim.id).order_by(Payment.id)
            )
        ]
        row["decisions"] = [
            _row(d, DECISION_FIELDS)
            for d in db.session.scalars(
                select(Decision).where(Decision.claim_id == claim.id).order_by(Decision.id)
            )
        ]
        row["letters"] = [
            _row(letter, ("id", "kind", "version", "status", "sha256", "rendered_at"))
            for letter in db.session.scalars(
                select(Letter).where(Letter.claim_id == claim.id).order_by(Letter.id)
            )
        ]
        row["zienswijzen"] = [
            _row(z, ("id", "text", "agreed", "created_at"))
            for z in db.session.scalars(
                select(Zienswijze).where(Zienswijze.claim_id == claim.id).order_by(Zienswijze.id)
            )
        ]
        row["completion_notes"] = [
            _row(n, ("id", "text", "created_at"))
            for n in db.session.scalars(
                select(CompletionNote)
                .where(CompletionNote.claim_id == claim.id)
                .order_by(CompletionNote.id)
            )
        ]
        row["objections"] = [
            _row(o, ("id", "text", "status", "created_at"))
            for o in db.session.scalars(
                select(Objection).where(Objection.claim_id == claim.id).order_by(Objection.id)
            )
        ]
        row["transfers"] = [
            {
                **_row(
                    item,
                    ("kind", "amount", "end_to_end_id", "creditor_name", "creditor_iban"),
                ),
                "batch_status": _iso(status),
            }
            for item, status in db.session.execute(
                select(PaymentBatchItem, PaymentBatch.status)
                .join(PaymentBatch, PaymentBatch.id == PaymentBatchItem.batch_id)
                .where(PaymentBatchItem.claim_id == claim.id)
                .order_by(PaymentBatchItem.id)
            )
        ]
        out.append(row)
    return out


def _reports_export(profile: FarmerProfile) -> list[dict[str, Any]]:
    """The farmer's meldingen (damage reported without applying), with species and parcels."""
    out = []
    for report in db.session.scalars(
        select(DamageReport).where(DamageReport.farmer_id == profile.id).order_by(DamageReport.id)
    ):
        row = _row(report, REPORT_FIELDS)
        row["species"] = sorted(s.species for s in report.species)
        row["parcels"] = [
            _row(p, ("parcel_id", "damaged_area_ha", "area_type")) for p in report.parcels
        ]
        out.append(row)
    return out


def _audit_export(user: User, profile: FarmerProfile, claim_ids: list[int]) -> list[dict]:
    """Events about this farmer: by them, on their claims, their profile, login or parcels."""
    parcel_ids = [p.id for p in profile.parcels]
    about = or_(
        AuditEvent.actor_id == user.id,
        AuditEvent.claim_id.in_(claim_ids or [-1]),
        (AuditEvent.object_type == "farmerprofile") & (AuditEvent.object_id == profile.id),
        (AuditEvent.object_type == "user") & (AuditEvent.object_id == user.id),
        (AuditEvent.object_type == "parcel") & AuditEvent.object_id.in_(parcel_ids or [-1]),
    )
    roles = dict(db.session.execute(select(User.id, User.role)).all())
    out = []
    for event_ in db.session.scalars(select(AuditEvent).where(about).order_by(AuditEvent.id)):
        row = _row(event_, EVENT_FIELDS)
        # Who acted, without naming other people: you, or the role of an official.
        if event_.actor_id is None:
            row["actor"] = "system"
        elif event_.actor_id == user.id:
            row["actor"] = "you"
        else:
            row["actor"] = _iso(roles.get(event_.actor_id, "system"))
        out.append(row)
    return out


def export_for(user: User) -> dict[str, Any]:
    """Everything held about this farmer, as JSON-ready data (nothing about anybody else)."""
    profile = _profile_of_user(user)
    claim_ids = _claim_ids(profile)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow().isoformat(),
        "retention": {
            "rule": f"{RETENTION_YEARS} years after the last decision",
            "erase_after": retention_ends(profile).isoformat(),
        },
        "account": _row(user, ("id", "email", "name", "role", "locale", "created_at")),
        "profile": _row(
            profile,
            PROFILE_FIELDS,
        ),
        "parcels": [
            _row(
                p, ("id", "name", "area_ha", "crop", "province", "tenure", "geometry", "created_at")
            )
            for p in sorted(profile.parcels, key=lambda p: p.id)
        ],
        "claims": _claims_export(profile),
        "reports": _reports_export(profile),
        "audit_events": _audit_export(user, profile, claim_ids),
    }


# --------------------------------------------------------------------------- retention


def _profile_of_user(user: User) -> FarmerProfile:
    profile = db.session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))
    if profile is None:
        raise NotFound(_("Geen boerenprofiel bij deze gebruiker."))
    return profile


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retention_start(profile: FarmerProfile) -> date:
    """The last decision on any claim; without one the last claim change, or registration."""
    ids = select(Claim.id).where(Claim.farmer_id == profile.id)
    last_decision = db.session.scalar(
        select(Decision.decided_on)
        .where(Decision.claim_id.in_(ids))
        .order_by(Decision.decided_on.desc())
        .limit(1)
    )
    if last_decision is not None:
        return last_decision
    last_change = db.session.scalar(
        select(Claim.updated_at)
        .where(Claim.farmer_id == profile.id)
        .order_by(Claim.updated_at.desc())
        .limit(1)
    )
    return (last_change or profile.created_at).date()


def retention_ends(profile: FarmerProfile) -> date:
    """The first day the farmer's personal data may be erased without force."""
    return _add_years(retention_start(profile), RETENTION_YEARS)


# --------------------------------------------------------------------------- erasure


@dataclass(frozen=True)
class Erasure:
    """What an erasure did (no personal data)."""

    profile_id: int
    forced: bool
    retention_ends: date
    files_deleted: int
    tokens_revoked: int


def farmer_by_email(email: str) -> FarmerProfile:
    """The profile of the farmer with this login e-mail; 404 otherwise."""
    user = users.user_by_email(email)
    if user is None or user.role != Role.FARMER:
        raise NotFound(_("Geen boer met dit e-mailadres."))
    return _profile_of_user(user)


def admin_by_email(email: str) -> User:
    """An active administrator by e-mail; 404 otherwise."""
    user = users.user_by_email(email)
    if user is None or user.role != Role.ADMIN or not user.active:
        raise NotFound(_("Geen actieve beheerder met dit e-mailadres."))
    return user


def farmer_by_id(profile_id: int) -> FarmerProfile:
    """A farmer's profile by its id; 404 otherwise."""
    profile = db.session.get(FarmerProfile, profile_id)
    if profile is None:
        raise NotFound(_("Boer niet gevonden."))
    return profile


def _open_claims(profile: FarmerProfile) -> list[str]:
    """References of claims still in handling, or decided with money not yet paid out."""
    claims = db.session.scalars(select(Claim).where(Claim.farmer_id == profile.id))
    open_refs = []
    for claim in claims:
        if claim.status not in FINISHED:
            open_refs.append(claim.reference)
        elif claim.status == ClaimStatus.DECIDED:
            decision = current_decision(claim)
            if decision is not None and decision.payout + decision.leges_refund > 0:
                open_refs.append(claim.reference)
    return sorted(open_refs)


def _wipe_file(file_id: int | None) -> int:
    """Delete a stored file's bytes (the row, its size and SHA-256 stay as metadata)."""
    if file_id is None:
        return 0
    db.session.execute(update(StoredFile).where(StoredFile.id == file_id).values(data=b"", size=0))
    return 1


def _erase_claim_data(claim_ids: list[int], placeholder: str) -> int:
    """Free texts, attachment and letter bytes, transfer creditor data; returns files wiped."""
    if not claim_ids:
        return 0
    files = 0
    for claim in db.session.scalars(select(Claim).where(Claim.id.in_(claim_ids))):
        if claim.description:
            claim.description = ERASED
    for attachment in db.session.scalars(
        select(Attachment).where(Attachment.claim_id.in_(claim_ids))
    ):
        files += _wipe_file(attachment.file_id)
    for letter in db.session.scalars(select(Letter).where(Letter.claim_id.in_(claim_ids))):
        files += _wipe_file(letter.file_id)
        letter.file_id = None  # the letter (kind, version, SHA-256) stays; its PDF is gone
    db.session.execute(
        update(Zienswijze).where(Zienswijze.claim_id.in_(claim_ids)).values(text=ERASED)
    )
    db.session.execute(
        update(Objection).where(Objection.claim_id.in_(claim_ids)).values(text=ERASED)
    )
    db.session.execute(
        update(CompletionNote).where(CompletionNote.claim_id.in_(claim_ids)).values(text=ERASED)
    )
    db.session.execute(
        update(PaymentBatchItem)
        .where(PaymentBatchItem.claim_id.in_(claim_ids))
        .values(creditor_name=placeholder, creditor_iban="")
    )
    return files


def erase_farmer(
    profile: FarmerProfile, actor: User | None, *, force: bool = False, on: date | None = None
) -> Erasure:
    """Anonymise the farmer's personal data; refuses before the retention period without force."""
    # The profile's row lock orders erasure against letter jobs (they hold it FOR SHARE while
    # rendering): a letter rendering now is stored before we wipe the letters, never after.
    profile = locked(FarmerProfile, profile.id)
    if profile.erased_at is not None:
        raise Conflict(
            _("De persoonsgegevens van deze boer zijn al gewist."), code="already_erased"
        )
    open_refs = _open_claims(profile)
    if open_refs:
        raise Conflict(
            _("Er lopen nog aanvragen of betalingen: %(refs)s.", refs=", ".join(open_refs)),
            code="claims_open",
        )
    ends = retention_ends(profile)
    if (on or today()) < ends and not force:
        raise Conflict(
            _("De bewaartermijn loopt tot %(day)s; wissen kan pas daarna.", day=ends.isoformat()),
            code="retention_running",
        )
    user = db.session.get(User, profile.user_id)
    placeholder = f"Gewist {profile.id}"
    files = _erase_claim_data(_claim_ids(profile), placeholder)
    db.session.execute(
        update(DamageReport)
        .where(DamageReport.farmer_id == profile.id, DamageReport.note != "")
        .values(note=ERASED)
    )
    profile.name, profile.kvk, profile.iban = placeholder, "00000000", ""
    profile.address, profile.postcode, profile.city = ERASED, "0000 XX", ERASED
    profile.phone = None
    for parcel in profile.parcels:
        parcel.name, parcel.geometry = f"Perceel {parcel.id}", None
    user.email = f"gewist-{user.id}@invalid"
    user.name = ""
    user.password_hash = "!gewist"  # no password hash matches this
    user.active = False
    now = utcnow()
    revoked = db.session.execute(
        update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    db.session.execute(IdempotencyKey.__table__.delete().where(IdempotencyKey.user_id == user.id))
    profile.erased_at = now
    db.session.flush()
    forced = (on or today()) < ends
    audit.record(
        "farmer.erased",
        profile,
        actor=actor,
        reason="forced before the end of the retention period" if forced else "retention ended",
        data={
            "forced": forced,
            "retention_ends": ends.isoformat(),
            "files_deleted": files,
            "tokens_revoked": revoked,
        },
    )
    return Erasure(profile.id, forced, ends, files, revoked)
