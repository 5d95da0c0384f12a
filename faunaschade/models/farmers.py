"""Farmers' profiles and their parcels."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faunaschade.extensions import db
from faunaschade.models.base import (
    CreatedMixin,
    Hectares,
    UtcDateTime,
    enum_type,
    positive,
    province_check,
)


class FarmerProfile(CreatedMixin, db.Model):
    """The applicant's business details; no BSN is ever stored."""

    __tablename__ = "farmer_profiles"
    __table_args__ = (
        CheckConstraint("length(kvk) = 8", name="kvk_eight_digits"),
        CheckConstraint("length(postcode) = 7", name="postcode_format"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The login of this farmer.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    #: Legal or business name.
    name: Mapped[str] = mapped_column(String(200))
    #: Kamer van Koophandel number, 8 digits, leading zeros kept.
    kvk: Mapped[str] = mapped_column(String(8), index=True)
    #: Payout account, compact form (validated by checksum).
    iban: Mapped[str] = mapped_column(String(34))
    #: Street and number.
    address: Mapped[str] = mapped_column(String(200))
    #: Dutch postcode as "1234 AB".
    postcode: Mapped[str] = mapped_column(String(7))
    #: Town.
    city: Mapped[str] = mapped_column(String(100))
    #: Optional phone number as +31 and 9 digits, for an officer arranging a (wolf) visit.
    phone: Mapped[str | None] = mapped_column(String(16))
    #: Set when personal data was erased after the retention period.
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user = relationship("User")
    parcels: Mapped[list[Parcel]] = relationship(back_populates="farmer")


class Tenure(enum.StrEnum):
    """How the farmer holds the parcel; rented parcels do not qualify."""

    #: Owned.
    OWN = "own"
    #: Long lease (pacht).
    LEASE = "lease"
    #: Rented (huur): no compensation.
    RENT = "rent"


class ParcelSource(enum.StrEnum):
    """Where a parcel's outline and figures come from."""

    #: Picked from the parcel file RVO lets the farmer download (GML, Shapefile, GeoJSON).
    IMPORT = "import"
    #: An outline drawn or pasted by the farmer.
    DRAWN = "drawn"
    #: Name and area typed, no outline.
    TYPED = "typed"


class Parcel(CreatedMixin, db.Model):
    """A field the farmer uses."""

    __tablename__ = "parcels"
    __table_args__ = (positive("area_ha"), province_check("province"))

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Owner profile.
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmer_profiles.id"), index=True)
    #: The farmer's own name for the field.
    name: Mapped[str] = mapped_column(String(100))
    #: Area in hectares.
    area_ha: Mapped[Decimal] = mapped_column(Hectares)
    #: Crop code from the rules catalogue.
    crop: Mapped[str] = mapped_column(String(40))
    #: Two-letter code of the province the parcel lies in; None while unknown. A crop claim
    #: takes its province (and crop) from its parcels when they agree.
    province: Mapped[str | None] = mapped_column(String(2))
    #: own, lease or rent.
    tenure: Mapped[Tenure] = mapped_column(enum_type(Tenure, "tenure"))
    #: Optional GeoJSON polygon (validated on input): WGS84, or RD New with its crs member.
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: import, drawn or typed.
    source: Mapped[ParcelSource] = mapped_column(
        enum_type(ParcelSource, "parcel_source"), default=ParcelSource.TYPED
    )
    #: For an imported parcel: the file's name.
    source_file: Mapped[str | None] = mapped_column(String(200))
    #: For an imported parcel: the feature's id in that file.
    source_feature: Mapped[str | None] = mapped_column(String(100))

    farmer: Mapped[FarmerProfile] = relationship(back_populates="parcels")
