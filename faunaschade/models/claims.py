"""Claims (aanvragen) with their species, parcels, attachments and the farmer's responses."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faunaschade.extensions import db
from faunaschade.i18n import N_
from faunaschade.models.base import (
    CreatedMixin,
    Hectares,
    Money,
    UtcDateTime,
    enum_type,
    non_negative,
    positive,
    province_check,
    unique_where,
    utcnow,
)
from faunaschade.models.lifecycle import Lifecycle


class ClaimStatus(enum.StrEnum):
    """Where a claim is in its life cycle (SPEC §2)."""

    #: Being written by the farmer; nobody else sees it.
    DRAFT = "draft"
    #: Submitted, waiting for the leges payment.
    AWAITING_PAYMENT = "awaiting_payment"
    #: Received and complete as far as known; with the officer.
    SUBMITTED = "submitted"
    #: The officer asked for more information (Awb 4:5).
    INCOMPLETE = "incomplete"
    #: An assessor has been ordered to assess the damage.
    ASSESSMENT_ORDERED = "assessment_ordered"
    #: The assessment report is in; the zienswijze window runs.
    ASSESSED = "assessed"
    #: Officer A proposed a decision; waiting for officer B.
    PROPOSED = "proposed"
    #: A decision was taken (any outcome).
    DECIDED = "decided"
    #: The farmer objected (bezwaar) to the decision.
    OBJECTION = "objection"
    #: The payout was paid in an exported, confirmed batch.
    PAID = "paid"
    #: The farmer withdrew the claim.
    WITHDRAWN = "withdrawn"


#: What an officer has work on: the queue's default (claims.worklist) and the claims its partial
#: index holds.
OPEN_STATUSES = (
    ClaimStatus.SUBMITTED,
    ClaimStatus.INCOMPLETE,
    ClaimStatus.ASSESSMENT_ORDERED,
    ClaimStatus.ASSESSED,
    ClaimStatus.PROPOSED,
    ClaimStatus.OBJECTION,
)
#: The open statuses as SQL, for the partial index (its migration writes the same words).
OPEN_STATUSES_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in OPEN_STATUSES) + ")"


class ClaimKind(enum.StrEnum):
    """Crop damage or livestock killed/injured by wolf or golden jackal."""

    #: Damage to crops on parcels.
    CROP = "crop"
    #: Damage to animals (DOMAIN §7).
    LIVESTOCK = "livestock"


class AreaType(enum.StrEnum):
    """The kind of area a damaged parcel lies in; own-risk rules depend on it."""

    #: Ordinary farmland.
    REGULAR = "regular"
    #: Goose rest area (rustgebied).
    RUSTGEBIED = "rustgebied"
    #: Goose foraging area (foerageergebied).
    FOERAGEERGEBIED = "foerageergebied"
    #: Buffer zone around foraging areas.
    BUFFER = "buffer"
    #: Natura 2000 site.
    NATURA2000 = "natura2000"


class AreaCheck(enum.StrEnum):
    """Where a claim component's area type comes from (issue 16)."""

    #: Derived from the parcel's outline and the province's map layers in force on the day
    #: of discovery (the overlap figures are in claim_parcel_areas).
    MAP = "map"
    #: The farmer's choice: the parcel has no outline (niet op de kaart gecontroleerd).
    NO_OUTLINE = "no_outline"
    #: The farmer's choice: the province had no map layer in force on the day of discovery.
    NO_LAYERS = "no_layers"
    #: The farmer's choice, on a claim saved before the map was consulted.
    NOT_CHECKED = "not_checked"


class Claim(CreatedMixin, db.Model):
    """A farmer's application for compensation."""

    __tablename__ = "claims"
    __table_args__ = (
        province_check("province"),
        non_negative("leges"),
        # Claims by due date, whatever their status (the overdue filter: next_due_at before
        # today). The queue's own order has the partial index below.
        Index("ix_claims_next_due_at_id", "next_due_at", "id"),
        # The officer's queue reads its page along this index, with a running dwangsom first
        # (ORDER BY penalty_from NULLS LAST, next_due_at NULLS LAST, id): a claim whose farmer
        # gave notice of default heads the queue. Only the open claims: the default queue reads
        # them all (to count them) and no closed one, and a statement prepared once (a generic
        # plan) still finds them through it.
        Index(
            "ix_claims_open_queue_order",
            "penalty_from",
            "next_due_at",
            "id",
            postgresql_where=text(OPEN_STATUSES_SQL),
            sqlite_where=text(OPEN_STATUSES_SQL),
        ),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human reference on letters, e.g. FS-2025-000123; a new claim gets it from its INSERT
    #: (reference_on_insert), so the ORM reads it back with RETURNING.
    reference: Mapped[str] = mapped_column(String(20), unique=True, server_default=FetchedValue())
    #: Applicant.
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmer_profiles.id"), index=True)
    #: Province whose rules and officers handle the claim.
    province: Mapped[str] = mapped_column(String(2), index=True)
    #: crop or livestock.
    kind: Mapped[ClaimKind] = mapped_column(enum_type(ClaimKind, "claim_kind"))
    #: Current life-cycle status; changed only by claims.workflow.transition().
    status: Mapped[ClaimStatus] = mapped_column(
        enum_type(ClaimStatus, "claim_status"), default=ClaimStatus.DRAFT, index=True
    )
    #: Crop code (one crop per claim); None for livestock.
    crop: Mapped[str | None] = mapped_column(String(40), index=True)
    #: Day the damage was discovered.
    discovered_on: Mapped[date] = mapped_column(Date)
    #: Livestock: moment of discovery (the 24-hour rule runs from it).
    discovered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: When the farmer submitted (or reported, for livestock).
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Codes of preventive measures the farmer took (acoustic, visual, …).
    preventive_measures: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Livestock: DNA / field-visit finding (certain, probable, dog, fox, unknown).
    wolf_finding: Mapped[str | None] = mapped_column(String(20))
    #: The farmer's account of what happened.
    description: Mapped[str] = mapped_column(Text, default="")
    #: Leges due for this claim under the rule set in force (0 skips payment).
    leges: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    #: Last day to submit in time (7 working days; livestock: the day of the 24-hour limit).
    submission_deadline: Mapped[date | None] = mapped_column(Date)
    #: Last day to complete the claim after a completion request.
    completion_deadline: Mapped[date | None] = mapped_column(Date)
    #: Last day of the zienswijze window after the assessment confirmation.
    zienswijze_deadline: Mapped[date | None] = mapped_column(Date)
    #: Target decision date (10 weeks after the assessment report).
    decision_target: Mapped[date | None] = mapped_column(Date)
    #: Awb backstop (8 weeks after submission): a delay notice is due before it.
    backstop_deadline: Mapped[date | None] = mapped_column(Date, index=True)
    #: The decision term's end as the delay notice set it (Awb 4:14), moved on by a later
    #: completion request like the backstop (Awb 4:15); None without a delay notice.
    term_extended_to: Mapped[date | None] = mapped_column(Date)
    #: First penalty day of the effective notice of default while the claim is undecided (the
    #: queue sorts these first); None otherwise. Kept by decisions.penalties and models.next_due.
    penalty_from: Mapped[date | None] = mapped_column(Date)
    #: The earliest deadline an officer or assessor must meet in the current status (what the
    #: queue sorts on); None when none runs. Kept by models.next_due on every flush.
    next_due_at: Mapped[date | None] = mapped_column(Date)
    #: Optimistic-locking counter; a stale write raises StaleDataError.
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    #: Made by an autotax run (automatische taxatie): no application, no leges, paid first.
    autotax: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Last change.
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    farmer = relationship("FarmerProfile")
    species: Mapped[list[ClaimSpecies]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", lazy="selectin"
    )
    parcels: Mapped[list[ClaimParcel]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", lazy="selectin"
    )
    #: The overlap figures behind components whose area type follows from the map.
    parcel_areas: Mapped[list[ClaimParcelArea]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="ClaimParcelArea.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(back_populates="claim")
    #: The decision in force, for loading it with a whole page of claims (read-only; within a
    #: request that decides, read models.decisions.current_decision instead).
    decision_in_force = relationship(
        "Decision",
        primaryjoin="and_(Decision.claim_id == Claim.id, Decision.in_force)",
        viewonly=True,
        uselist=False,
        lazy="raise",
    )


def reference_on_insert(claim: Claim) -> None:
    """Let the claim's INSERT number it FS-<year of discovery>-<id, at least six digits>.

    No UPDATE after the INSERT: on PostgreSQL the trigger `claims_reference` (migration
    e5f6a7b8c9d0) fills the NULL reference from the id the INSERT draws from the sequence; SQLite,
    which lets one writer in at a time, takes max(id) + 1 for both in the INSERT itself. The ORM
    reads the reference back with RETURNING. Set discovered_on first.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return  # left out of the INSERT: the trigger numbers it
    next_id = select(func.coalesce(func.max(Claim.id), 0) + 1).scalar_subquery()
    claim.id = next_id  # type: ignore[assignment]
    claim.reference = func.printf("FS-%d-%06d", claim.discovered_on.year, next_id)  # type: ignore[assignment]


_C = ClaimStatus

#: The claim life cycle of SPEC §2 (claims/workflow.py takes its steps, with the audit event).
CLAIM_LIFECYCLE = Lifecycle(
    Claim,
    "Aanvraag",
    {
        (_C.DRAFT, _C.AWAITING_PAYMENT): "Aanvraag ingediend, leges nog te betalen",
        (_C.DRAFT, _C.SUBMITTED): "Aanvraag ingediend",
        (_C.AWAITING_PAYMENT, _C.SUBMITTED): "Leges betaald, aanvraag in behandeling",
        (_C.SUBMITTED, _C.INCOMPLETE): "Aanvulling gevraagd",
        (_C.INCOMPLETE, _C.SUBMITTED): "Aanvraag aangevuld",
        (_C.INCOMPLETE, _C.DECIDED): "Buiten behandeling gelaten (termijn verstreken)",
        (_C.SUBMITTED, _C.ASSESSMENT_ORDERED): "Taxatie opgedragen",
        (_C.ASSESSMENT_ORDERED, _C.ASSESSED): "Taxatierapport ontvangen",
        (_C.ASSESSED, _C.PROPOSED): "Besluit voorgesteld",
        (_C.SUBMITTED, _C.PROPOSED): "Afwijzing voorgesteld",
        (_C.PROPOSED, _C.DECIDED): "Besluit genomen (vier ogen)",
        (_C.PROPOSED, _C.ASSESSED): "Voorstel teruggestuurd",
        (_C.PROPOSED, _C.SUBMITTED): "Voorstel teruggestuurd",
        (_C.DECIDED, _C.PAID): "Uitbetaald",
        (_C.DECIDED, _C.OBJECTION): "Bezwaar ingediend",
        (_C.PAID, _C.OBJECTION): "Bezwaar ingediend",
        (_C.OBJECTION, _C.DECIDED): "Besluit op bezwaar genomen",
        **{
            (start, _C.WITHDRAWN): "Aanvraag ingetrokken"
            for start in (
                _C.DRAFT,
                _C.AWAITING_PAYMENT,
                _C.SUBMITTED,
                _C.INCOMPLETE,
                _C.ASSESSMENT_ORDERED,
            )
        },
    },
    key="reference",
)


class ClaimSpecies(db.Model):
    """A damaging species named on the claim."""

    __tablename__ = "claim_species"

    #: The claim.
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    #: Species code from the rules catalogue.
    species: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)

    claim: Mapped[Claim] = relationship(back_populates="species")


class ClaimParcel(db.Model):
    """A damaged parcel on the claim with its damaged area and area type."""

    __tablename__ = "claim_parcels"
    __table_args__ = (
        UniqueConstraint("claim_id", "parcel_id", "area_type"),
        positive("damaged_area_ha"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    #: The farmer's parcel.
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"))
    #: Damaged area as the farmer estimates it (ha).
    damaged_area_ha: Mapped[Decimal] = mapped_column(Hectares)
    #: Area type (regular, rustgebied, …).
    area_type: Mapped[AreaType] = mapped_column(enum_type(AreaType, "area_type"))
    #: Whether the area type follows from the map or is the farmer's (and why).
    area_check: Mapped[AreaCheck] = mapped_column(
        enum_type(AreaCheck, "area_check"),
        default=AreaCheck.NO_OUTLINE,
        server_default=AreaCheck.NOT_CHECKED.value,
    )

    claim: Mapped[Claim] = relationship(back_populates="parcels")
    parcel = relationship("Parcel")


class ClaimParcelArea(db.Model):
    """The overlap of a claimed parcel's outline with one area type, as the map layers in force
    on the day of discovery gave it when the claim was saved or submitted: kept with the claim,
    so the officer and the assessor see why its components have their area types even after
    the layers or the parcel change."""

    __tablename__ = "claim_parcel_areas"
    __table_args__ = (
        UniqueConstraint("claim_id", "parcel_id", "area_type"),
        positive("area_ha"),
        positive("outline_area_ha"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    #: The farmer's parcel.
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"))
    #: The area type of this part of the parcel.
    area_type: Mapped[AreaType] = mapped_column(enum_type(AreaType, "area_type"))
    #: The part's area (ha, computed in RD New; the parts of a parcel add up to its outline).
    area_ha: Mapped[Decimal] = mapped_column(Hectares)
    #: The whole outline's area (ha) at the time.
    outline_area_ha: Mapped[Decimal] = mapped_column(Hectares)
    #: The map layer this part lies in; None for regular land (no layer).
    layer_id: Mapped[int | None] = mapped_column(ForeignKey("map_layers.id"))
    #: That layer's first day in force (its version), kept beside the id.
    layer_valid_from: Mapped[date | None] = mapped_column(Date)
    #: The part's outline: GeoJSON in RD New (EPSG:28992, with its crs member), for the map.
    geometry: Mapped[dict] = mapped_column(JSON)

    claim: Mapped[Claim] = relationship(back_populates="parcel_areas")
    parcel = relationship("Parcel")
    layer = relationship("MapLayer")


class AttachmentKind(enum.StrEnum):
    """Why a file was attached."""

    #: Photo or document filed with the claim.
    PHOTO = "photo"
    #: Attached to a zienswijze.
    ZIENSWIJZE = "zienswijze"
    #: Attached to an objection.
    OBJECTION = "objection"


class Attachment(CreatedMixin, db.Model):
    """A file attached to a claim; the bytes live in stored_files."""

    __tablename__ = "attachments"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: photo, zienswijze or objection.
    kind: Mapped[AttachmentKind] = mapped_column(enum_type(AttachmentKind, "attachment_kind"))
    #: File name as uploaded (shown, never used as a path).
    filename: Mapped[str] = mapped_column(String(255))
    #: MIME type found by inspecting the content.
    content_type: Mapped[str] = mapped_column(String(100))
    #: Stored bytes.
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    #: Who uploaded it.
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))

    claim: Mapped[Claim] = relationship(back_populates="attachments")
    file = relationship("StoredFile")


class Zienswijze(CreatedMixin, db.Model):
    """The farmer's response to the assessment confirmation."""

    __tablename__ = "zienswijzen"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The assessment it responds to.
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    #: What the farmer says (empty when they agreed without more).
    text: Mapped[str] = mapped_column(Text)
    #: Optional supporting file.
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    #: Author.
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The farmer agreed with the assessment ("akkoord met de taxatie"): the window closes.
    agreed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CompletionNote(CreatedMixin, db.Model):
    """What the farmer (or officer) wrote on completing a claim; kept out of the audit chain,
    which cannot forget, so that erasing a farmer erases it too."""

    __tablename__ = "completion_notes"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The note.
    text: Mapped[str] = mapped_column(Text)
    #: Author.
    written_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class ObjectionStatus(enum.StrEnum):
    """Progress of a bezwaar."""

    #: Received; waiting for the officer.
    OPEN = "open"
    #: A hearing (hoorzitting) is planned and the farmer invited.
    HEARING_SCHEDULED = "hearing_scheduled"
    #: The hearing was held and its report recorded.
    HEARD = "heard"
    #: Decided; a new decision superseded the old one.
    DECIDED = "decided"


class ObjectionOutcome(enum.StrEnum):
    """What the decision on objection says of the objection (beslissing op bezwaar)."""

    #: Well-founded: the decision is revised as the farmer asked.
    GEGROND = "gegrond"
    #: Partly well-founded: the decision is revised in part.
    DEELS_GEGROND = "deels_gegrond"
    #: Unfounded: the decision stands.
    ONGEGROND = "ongegrond"
    #: Inadmissible (late, Awb 6:11 not excusable): the decision stands.
    NIET_ONTVANKELIJK = "niet_ontvankelijk"


class Objection(CreatedMixin, db.Model):
    """A bezwaar against a decision, with its terms, hearing and outcome."""

    __tablename__ = "objections"
    __table_args__ = (
        CheckConstraint(
            "hearing_at IS NULL OR hearing_place IS NOT NULL OR hearing_video_link IS NOT NULL",
            name="hearing_has_a_place",
        ),
        CheckConstraint(
            "extended_until IS NULL "
            "OR (extended_until > decide_by AND extension_reason IS NOT NULL)",
            name="extension_after_term",
        ),
        # One bezwaar at a time per claim is being handled.
        unique_where("uq_objections_one_open_per_claim", "claim_id", "status <> 'decided'"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The decision objected to.
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    #: The farmer's grounds.
    text: Mapped[str] = mapped_column(Text)
    #: Optional supporting file.
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    #: open, hearing_scheduled, heard or decided.
    status: Mapped[ObjectionStatus] = mapped_column(
        enum_type(ObjectionStatus, "objection_status"), default=ObjectionStatus.OPEN
    )
    #: Author.
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The decision that answered it.
    resulting_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    #: Day it was received (Dutch day).
    received_on: Mapped[date] = mapped_column(Date)
    #: Last day of the objection period: the decision's objection deadline (Awb 6:7).
    objection_period_end: Mapped[date] = mapped_column(Date)
    #: Received after the period: to be declared niet-ontvankelijk (Awb 6:9, 6:11).
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Decide within six weeks after the period ended (Awb 7:10 lid 1).
    decide_by: Mapped[date] = mapped_column(Date)
    #: Postponed once by six weeks, with a letter (Awb 7:10 lid 3).
    extended_until: Mapped[date | None] = mapped_column(Date)
    #: Why the decision is postponed (printed in the letter).
    extension_reason: Mapped[str | None] = mapped_column(Text)
    #: When the hearing (hoorzitting) takes place.
    hearing_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Where it takes place (an address), or None when only by video.
    hearing_place: Mapped[str | None] = mapped_column(String(300))
    #: The video link, or None when only in person.
    hearing_video_link: Mapped[str | None] = mapped_column(String(500))
    #: The report of the hearing (verslag hoorzitting).
    hearing_report: Mapped[str | None] = mapped_column(Text)
    #: What the decision on objection said of it.
    outcome: Mapped[ObjectionOutcome | None] = mapped_column(
        enum_type(ObjectionOutcome, "objection_outcome")
    )

    @property
    def due(self) -> date:
        """The day the decision on objection is due: extended, or the first term."""
        return self.extended_until or self.decide_by


_O = ObjectionStatus

#: A bezwaar may be heard (hearing scheduled, then its report) and is decided once, by the
#: decision on objection (decisions/objections.settle); without a hearing where Awb 7:3 allows.
OBJECTION_LIFECYCLE = Lifecycle(
    Objection,
    "Bezwaar",
    {
        (_O.OPEN, _O.HEARING_SCHEDULED): "Hoorzitting gepland",
        (_O.HEARING_SCHEDULED, _O.HEARD): "Hoorzitting gehouden",
        (_O.OPEN, _O.DECIDED): "Besluit op bezwaar genomen",
        (_O.HEARD, _O.DECIDED): "Besluit op bezwaar genomen",
    },
)


#: Preventive-measure codes (SPEC §4.2 step 3 needs one acoustic and one visual) with Dutch labels.
PREVENTIVE_MEASURES: dict[str, str] = {
    "acoustic": N_("Akoestisch (knalapparaat, gaskanon, geluid)"),
    "visual": N_("Visueel (vlaggen, linten, vogelverschrikker, lasers)"),
    "fencing": N_("Raster of afrastering"),
    "netting": N_("Netten over het gewas"),
    "scaring_shooting": N_("Verjagen met ondersteunend afschot"),
    "other": N_("Andere maatregel (beschrijf in de toelichting)"),
}
