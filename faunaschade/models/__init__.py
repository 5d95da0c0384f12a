"""All models, imported here so Alembic and the app see every table."""

from faunaschade.models.assessments import (
    AnimalRecord,
    Assessment,
    AssessmentLine,
    AssessmentStatus,
    AssessmentVisit,
    LivestockItem,
    PriceSource,
    Unit,
)
from faunaschade.models.audit import AuditEvent
from faunaschade.models.claims import (
    AreaType,
    Attachment,
    AttachmentKind,
    Claim,
    ClaimKind,
    ClaimParcel,
    ClaimSpecies,
    ClaimStatus,
    CompletionNote,
    Objection,
    ObjectionStatus,
    Zienswijze,
)
from faunaschade.models.decisions import (
    Decision,
    Letter,
    LetterKind,
    LetterStatus,
    Outcome,
    Proposal,
    ProposalStatus,
)
from faunaschade.models.farmers import FarmerProfile, Parcel, Tenure
from faunaschade.models.files import StoredFile
from faunaschade.models.idempotency import IdempotencyKey
from faunaschade.models.jobs import JobRecord, JobStatus
from faunaschade.models.next_due import refresh_next_due  # also its flush hook, for every session
from faunaschade.models.payments import (
    BatchItemKind,
    BatchStatus,
    Payment,
    PaymentBatch,
    PaymentBatchClaim,
    PaymentBatchItem,
    PaymentStatus,
)
from faunaschade.models.reports import DamageReport, DamageReportParcel, DamageReportSpecies
from faunaschade.models.users import AuthToken, Role, TokenKind, User, UserProvince

__all__ = [
    "AnimalRecord",
    "AreaType",
    "Assessment",
    "AssessmentLine",
    "AssessmentStatus",
    "AssessmentVisit",
    "Attachment",
    "AttachmentKind",
    "AuditEvent",
    "AuthToken",
    "BatchItemKind",
    "BatchStatus",
    "Claim",
    "ClaimKind",
    "ClaimParcel",
    "ClaimSpecies",
    "ClaimStatus",
    "CompletionNote",
    "DamageReport",
    "DamageReportParcel",
    "DamageReportSpecies",
    "Decision",
    "FarmerProfile",
    "IdempotencyKey",
    "JobRecord",
    "JobStatus",
    "Letter",
    "LetterKind",
    "LetterStatus",
    "LivestockItem",
    "Objection",
    "ObjectionStatus",
    "Outcome",
    "Parcel",
    "Payment",
    "PaymentBatch",
    "PaymentBatchClaim",
    "PaymentBatchItem",
    "PaymentStatus",
    "PriceSource",
    "Proposal",
    "ProposalStatus",
    "Role",
    "StoredFile",
    "Tenure",
    "TokenKind",
    "Unit",
    "User",
    "UserProvince",
    "Zienswijze",
    "refresh_next_due",
]
