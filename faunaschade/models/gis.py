"""Map layers (a province's foraging and rest areas, Natura 2000, buffer zones) as versioned
data, and a farmer's parcel file waiting for the farmer to pick parcels from it."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faunaschade.extensions import db
from faunaschade.models.base import UtcDateTime, enum_type, province_check, utcnow


class LayerKind(enum.StrEnum):
    """What a map layer marks; each maps onto the area type of the same name."""

    #: Goose foraging area (ganzenfoerageergebied).
    FOERAGEERGEBIED = "foerageergebied"
    #: Goose rest area (ganzenrustgebied, winterrustgebied).
    RUSTGEBIED = "rustgebied"
    #: Natura 2000 site.
    NATURA2000 = "natura2000"
    #: Buffer zone around a foraging area (e.g. 500 m in Noord-Holland).
    BUFFER = "buffer"


class MapLayer(db.Model):
    """One province's layer of one kind for a period, with its provenance."""

    __tablename__ = "map_layers"
    __table_args__ = (
        province_check("province"),
        CheckConstraint(
            "valid_until IS NULL OR valid_until >= valid_from", name="validity_in_order"
        ),
        CheckConstraint("feature_count > 0", name="feature_count_positive"),
        Index("ix_map_layers_province_kind", "province", "kind", "valid_from"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Two-letter code of the province whose layer this is.
    province: Mapped[str] = mapped_column(String(2))
    #: foerageergebied, rustgebied, natura2000 or buffer.
    kind: Mapped[LayerKind] = mapped_column(enum_type(LayerKind, "layer_kind"))
    #: First day the layer is in force.
    valid_from: Mapped[date] = mapped_column(Date)
    #: Last day the layer is in force (inclusive, as rule sets); None: until further notice.
    valid_until: Mapped[date | None] = mapped_column(Date)
    #: Where the layer comes from (publication, date, URL), as given at import.
    source: Mapped[str] = mapped_column(Text)
    #: The imported file's own name.
    file_name: Mapped[str] = mapped_column(String(200))
    #: SHA-256 of the file as imported (hex).
    file_sha256: Mapped[str] = mapped_column(String(64))
    #: How many features the file held (all merged into `geometry`).
    feature_count: Mapped[int] = mapped_column(Integer)
    #: The layer's area: a GeoJSON (Multi)Polygon in RD New (EPSG:28992, with its crs member).
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: When it was imported (UTC).
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    #: Who imported it: an account's e-mail address, or the command and the system user.
    imported_by: Mapped[str] = mapped_column(String(200))


class ParcelImport(db.Model):
    """A farmer's uploaded parcel file, read and checked, waiting for the farmer's choice."""

    __tablename__ = "parcel_imports"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random token naming this import in the confirm request (with the farmer: 404 for others).
    token: Mapped[str] = mapped_column(String(43), unique=True)
    #: The farmer who uploaded it.
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmer_profiles.id"), index=True)
    #: The file's own name as uploaded (cleaned).
    file_name: Mapped[str] = mapped_column(String(200))
    #: SHA-256 of the file (hex).
    file_sha256: Mapped[str] = mapped_column(String(64))
    #: The parcels found: id, name, crop, area, province, problems, geometry (RD New).
    parcels: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: When it was uploaded (UTC); an import older than a day is no longer offered.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    #: When the farmer added parcels from it; it cannot be used twice.
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
