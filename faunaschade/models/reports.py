"""Free damage reports (meldingen): damage recorded without applying (DOMAIN §3.3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Date,
    ForeignKey,
    Sequence,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faunaschade.extensions import db
from faunaschade.models.base import (
    CreatedMixin,
    Hectares,
    Money,
    enum_type,
    non_negative,
    positive,
    province_check,
)
from faunaschade.models.claims import AreaType


class DamageReport(CreatedMixin, db.Model):
    """A melding: crop damage a farmer reports without applying for compensation. No leges, no
    assessment, no payment; provinces count it (exemptions, policy). It may become a claim
    once, which keeps its discovery date."""

    __tablename__ = "damage_reports"
    __table_args__ = (province_check("province"), non_negative("estimated_damage"))

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human reference, M-<year of discovery>-<id, at least six digits>; set with the INSERT
    #: (reference_on_insert).
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    #: The farmer whose damage it is (whoever typed it in: reported_by).
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmer_profiles.id"), index=True)
    #: The user who reported it (the farmer, later possibly a representative).
    reported_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Province of the parcels (as a claim takes it from its parcels).
    province: Mapped[str] = mapped_column(String(2), index=True)
    #: Crop code (one crop per melding, as per claim).
    crop: Mapped[str] = mapped_column(String(40))
    #: Day the damage was discovered; a claim made from it keeps this day.
    discovered_on: Mapped[date] = mapped_column(Date, index=True)
    #: The farmer's estimate of the damage in euros; None when not given.
    estimated_damage: Mapped[Decimal | None] = mapped_column(Money)
    #: The farmer's note (free text, erased with the farmer's personal data).
    note: Mapped[str] = mapped_column(Text, default="")
    #: The claim made from this melding (at most one, and a claim from at most one melding).
    converted_claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("claims.id"), unique=True, default=None
    )

    farmer = relationship("FarmerProfile")
    reporter = relationship("User")
    converted_claim = relationship("Claim")
    species: Mapped[list[DamageReportSpecies]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin"
    )
    parcels: Mapped[list[DamageReportParcel]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin"
    )


#: The id sequence PostgreSQL made for the table's SERIAL key.
_ID_SEQUENCE = Sequence("damage_reports_id_seq")


def reference_on_insert(report: DamageReport) -> None:
    """Number the melding M-<year of discovery>-<id> in its own INSERT, no UPDATE after it.

    PostgreSQL draws the id from the table's sequence first (concurrent reports never share
    one); SQLite, which lets one writer in at a time, takes max(id) + 1 in the INSERT itself.
    Set discovered_on first.
    """
    year = report.discovered_on.year
    if db.session.get_bind().dialect.name == "postgresql":
        report.id = db.session.scalar(select(_ID_SEQUENCE.next_value()))
        report.reference = f"M-{year}-{report.id:06d}"
        return
    next_id = select(func.coalesce(func.max(DamageReport.id), 0) + 1).scalar_subquery()
    report.id = next_id  # type: ignore[assignment]
    report.reference = func.printf("M-%d-%06d", year, next_id)  # type: ignore[assignment]


class DamageReportSpecies(db.Model):
    """A species the farmer names as the cause."""

    __tablename__ = "damage_report_species"

    #: The melding.
    report_id: Mapped[int] = mapped_column(
        ForeignKey("damage_reports.id", ondelete="CASCADE"), primary_key=True
    )
    #: Species code from the rules catalogue (crop species).
    species: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)

    report: Mapped[DamageReport] = relationship(back_populates="species")


class DamageReportParcel(db.Model):
    """A damaged parcel of the melding, with the area as the farmer estimates it."""

    __tablename__ = "damage_report_parcels"
    __table_args__ = (
        UniqueConstraint("report_id", "parcel_id", "area_type"),
        positive("damaged_area_ha"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The melding.
    report_id: Mapped[int] = mapped_column(
        ForeignKey("damage_reports.id", ondelete="CASCADE"), index=True
    )
    #: The farmer's parcel.
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"))
    #: Damaged area as the farmer estimates it (ha).
    damaged_area_ha: Mapped[Decimal] = mapped_column(Hectares)
    #: Area type (regular, rustgebied, …), as on a claim.
    area_type: Mapped[AreaType] = mapped_column(enum_type(AreaType, "area_type"))

    report: Mapped[DamageReport] = relationship(back_populates="parcels")
    parcel = relationship("Parcel")
