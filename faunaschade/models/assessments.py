"""Assessments (taxaties): orders to an assessor, visits, report lines and livestock items."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    false,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faunaschade.extensions import db
from faunaschade.models.base import (
    CreatedMixin,
    Hectares,
    Money,
    UtcDateTime,
    enum_type,
    non_negative,
    positive,
)
from faunaschade.models.claims import AreaType, Claim
from faunaschade.models.lifecycle import Lifecycle


class AssessmentStatus(enum.StrEnum):
    """Progress of an assessment."""

    #: Ordered; the assessor has not saved anything yet.
    ORDERED = "ordered"
    #: The assessor saved a draft report.
    IN_PROGRESS = "in_progress"
    #: Submitted once; no more edits.
    SUBMITTED = "submitted"


class Assessment(CreatedMixin, db.Model):
    """An assessment of one claim by one assessor."""

    __tablename__ = "assessments"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim assessed.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The assessor (taxateur) it is assigned to.
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Officer who ordered it.
    ordered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Spoedtaxatie: assess before the crop is harvested or grazed.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Day the report is due.
    due_on: Mapped[date] = mapped_column(Date)
    #: ordered, in_progress or submitted.
    status: Mapped[AssessmentStatus] = mapped_column(
        enum_type(AssessmentStatus, "assessment_status"), default=AssessmentStatus.ORDERED
    )
    #: Preventive measures the assessor saw in the field.
    preventive_measures_observed: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The assessor's general remarks.
    remarks: Mapped[str] = mapped_column(Text, default="")
    #: When the report was submitted.
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Optimistic-locking counter.
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    #: Made by an autotax run from the table (no field visit); recorded in the name of the
    #: officer who started the run (assessor_id and ordered_by).
    automatic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __mapper_args__ = {"version_id_col": version}

    claim = relationship("Claim")
    assessor = relationship("User", foreign_keys=[assessor_id])
    visits: Mapped[list[AssessmentVisit]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="AssessmentVisit.id"
    )
    lines: Mapped[list[AssessmentLine]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="AssessmentLine.id"
    )
    livestock_items: Mapped[list[LivestockItem]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="LivestockItem.id"
    )

    @property
    def counted_total(self) -> Decimal:
        """Assessed damage that can count: the lines not harvested (crops), or the animals with
        their vet costs capped at their value (livestock, as the rules engine counts them)."""
        lines = sum(
            (line.assessed_damage for line in self.lines if not line.harvested_before_assessment),
            Decimal("0.00"),
        )
        return lines + sum((animal.total for animal in self.animals), Decimal("0.00"))

    @property
    def animals(self) -> tuple[AnimalRecord, ...]:
        """The livestock items regrouped per animal, in the order they were recorded."""
        return animals_of(self.livestock_items)


_A = AssessmentStatus

#: An assessment report: saved (as often as the assessor likes) until it is submitted, once.
#: assessments.operations.submit_report refuses only a submitted report, so an ordered one
#: with visits may be submitted directly too.
ASSESSMENT_LIFECYCLE = Lifecycle(
    Assessment,
    "Taxatie",
    {
        (_A.ORDERED, _A.IN_PROGRESS): "Rapport opgeslagen",
        (_A.IN_PROGRESS, _A.IN_PROGRESS): "Rapport opnieuw opgeslagen",
        (_A.IN_PROGRESS, _A.SUBMITTED): "Rapport ingediend",
        (_A.ORDERED, _A.SUBMITTED): "Rapport ingediend",
    },
)


class AssessmentVisit(db.Model):
    """One field visit."""

    __tablename__ = "assessment_visits"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The assessment.
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: Day of the visit.
    visited_on: Mapped[date] = mapped_column(Date)
    #: What the assessor noted.
    remarks: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="visits")


class Unit(enum.StrEnum):
    """Unit of the lost quantity."""

    #: Kilograms of product.
    KG = "kg"
    #: Kilograms of dry matter (grass).
    KG_DS = "kg_ds"
    #: Pieces (e.g. fruit, flower bulbs).
    PIECES = "pieces"
    #: Animals.
    ANIMALS = "animals"
    #: Hectares (an autotax line: the overlap at the table's euros per hectare).
    HA = "ha"


class PriceSource(enum.StrEnum):
    """Where the unit price comes from."""

    #: Kwantitatieve Informatie Akkerbouw en Vollegrondsgroenteteelt.
    KWIN = "kwin"
    #: The farmer's sales contract.
    CONTRACT = "contract"
    #: BIJ12 price list.
    BIJ12 = "bij12"


class AssessmentLine(db.Model):
    """Assessed damage on one parcel × species × area type."""

    __tablename__ = "assessment_lines"
    __table_args__ = (
        positive("damaged_area_ha"),
        positive("lost_quantity"),
        positive("unit_price"),
        non_negative("assessed_damage"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The assessment.
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: The parcel.
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"))
    #: Species that caused this damage.
    species: Mapped[str] = mapped_column(String(40))
    #: Area type of the damaged part.
    area_type: Mapped[AreaType] = mapped_column(enum_type(AreaType, "line_area_type"))
    #: Damaged area (ha), never above the parcel's area.
    damaged_area_ha: Mapped[Decimal] = mapped_column(Hectares)
    #: Quantity lost on this line in total.
    lost_quantity: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    #: Unit of the quantity.
    unit: Mapped[Unit] = mapped_column(enum_type(Unit, "unit"))
    #: Euro per unit, up to four decimals (e.g. € 0,1850 per kg).
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    #: Source of the unit price.
    price_source: Mapped[PriceSource] = mapped_column(enum_type(PriceSource, "price_source"))
    #: Crop harvested before the assessment: the line is excluded.
    harvested_before_assessment: Mapped[bool] = mapped_column(Boolean, default=False)
    #: lost_quantity × unit_price, rounded half-up to cents.
    assessed_damage: Mapped[Decimal] = mapped_column(Money)

    assessment: Mapped[Assessment] = relationship(back_populates="lines")


class LivestockItem(db.Model):
    """One cost item for one animal (value, vet costs, abortion, carcass removal)."""

    __tablename__ = "livestock_items"
    __table_args__ = (non_negative("amount"),)

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The assessment.
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: Species that did it (wolf, goudjakhals).
    species: Mapped[str] = mapped_column(String(40))
    #: The assessor's label for the animal, e.g. "ooi-1".
    animal: Mapped[str] = mapped_column(String(40))
    #: Animal kind (schaap, geit, rund, paard, …).
    animal_kind: Mapped[str] = mapped_column(String(40))
    #: Breed group from the price table.
    breed: Mapped[str] = mapped_column(String(60), default="")
    #: male / female.
    sex: Mapped[str] = mapped_column(String(10), default="")
    #: Age class from the price table.
    age_class: Mapped[str] = mapped_column(String(20), default="")
    #: Pregnant at the time.
    pregnant: Mapped[bool] = mapped_column(Boolean, default=False)
    #: killed or injured.
    outcome: Mapped[str] = mapped_column(String(10))
    #: animal_value, vet_costs, abortion or carcass_removal.
    item_type: Mapped[str] = mapped_column(String(20))
    #: The amount of this item.
    amount: Mapped[Decimal] = mapped_column(Money)
    #: Injured animals: taxation value used only as the cap on vet costs.
    animal_value: Mapped[Decimal | None] = mapped_column(Money)

    assessment: Mapped[Assessment] = relationship(back_populates="livestock_items")


@dataclass(frozen=True)
class AnimalRecord:
    """One killed or injured animal as the assessor recorded it (its cost items together)."""

    animal: str  #: The assessor's label, e.g. "ooi-1".
    species: str  #: Predator (wolf, goudjakhals).
    animal_kind: str  #: schaap, geit, rund, …
    breed_group: str  #: Breed group of the price table.
    sex: str  #: female or male.
    age_class: str  #: Age class of the price table.
    pregnant: bool  #: Pregnant at the time.
    outcome: str  #: killed or injured.
    value: Decimal | None  #: Taxation value from the price table (an injured animal's: the cap).
    vet_costs: Decimal | None  #: Vet costs as recorded.
    abortion: Decimal | None  #: Loss by abortion.
    carcass_removal: Decimal | None  #: Carcass removal.

    @property
    def counted_vet_costs(self) -> Decimal:
        """Vet costs up to the animal's value (DOMAIN §7; the engine caps them the same way)."""
        vet = self.vet_costs or Decimal("0.00")
        return vet if self.value is None else min(vet, self.value)

    @property
    def capped(self) -> bool:
        """The vet costs were more than the animal's value."""
        return self.counted_vet_costs != (self.vet_costs or Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        """What this animal counts for: value if killed, capped vet costs, abortion, removal."""
        value = self.value if self.outcome == "killed" and self.value is not None else Decimal(0)
        extras = (self.abortion or Decimal(0)) + (self.carcass_removal or Decimal(0))
        return (value + self.counted_vet_costs + extras).quantize(Decimal("0.01"))


def animals_of(items: list[LivestockItem]) -> tuple[AnimalRecord, ...]:
    """Livestock items (one per cost) regrouped per animal label, first recorded first."""
    grouped: dict[str, list[LivestockItem]] = {}
    for item in items:
        grouped.setdefault(item.animal, []).append(item)
    records = []
    for label, group in grouped.items():
        first = group[0]
        amounts = {item.item_type: item.amount for item in group}
        value = amounts.get("animal_value")
        if value is None:  # an injured animal: its value is kept on its vet costs, as the cap
            value = next((i.animal_value for i in group if i.animal_value is not None), None)
        records.append(
            AnimalRecord(
                animal=label,
                species=first.species,
                animal_kind=first.animal_kind,
                breed_group=first.breed,
                sex=first.sex,
                age_class=first.age_class,
                pregnant=first.pregnant,
                outcome=first.outcome,
                value=value,
                vet_costs=amounts.get("vet_costs"),
                abortion=amounts.get("abortion"),
                carcass_removal=amounts.get("carcass_removal"),
            )
        )
    return tuple(records)


def assessment_of_letter(subject_key: str) -> Assessment | None:
    """The assessment a confirmation letter is about (its subject key ends in -assessment-ID)."""
    _, _, tail = subject_key.rpartition("-assessment-")
    return db.session.get(Assessment, int(tail)) if tail.isdigit() else None


def _newest(claim: Claim, *where: ColumnElement[bool]) -> Assessment | None:
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.claim_id == claim.id, *where)
        .order_by(Assessment.id.desc())
        .limit(1)
    )


def latest_assessment(claim: Claim) -> Assessment | None:
    """The newest submitted assessment of the claim (the one a decision is based on)."""
    return _newest(claim, Assessment.status == AssessmentStatus.SUBMITTED)


def open_assessment(claim: Claim) -> Assessment | None:
    """The claim's newest assessment that has not been submitted yet, if any."""
    return _newest(claim, Assessment.status != AssessmentStatus.SUBMITTED)


def current_assessment(claim: Claim) -> Assessment | None:
    """The claim's newest assessment, submitted or not."""
    return _newest(claim)
