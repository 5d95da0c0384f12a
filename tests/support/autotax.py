"""An autotax world: a foraging area in Fryslân, farmers with parcels in and out of it, and
their registrations for damage year 2026 (registered while it was open)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from faunaschade.autotax import registrations
from faunaschade.gis import layers
from faunaschade.gis.geometry import area_ha, rd_geojson
from faunaschade.models import FarmerProfile, Parcel, ParcelSource, Tenure
from tests.support.gis import feature_collection, rd_box

#: The test layer: a square kilometre of foraging area in Fryslân (valid from 2024-11-01).
LAYER = rd_box(180_000, 570_000, 1000, 1000)
#: The damage year the runs are for: its registration closed on 15 March 2026.
YEAR = 2026


def foraging_area(session) -> None:
    """The test layer, imported as `flask layers import` does."""
    layers.import_layer(
        feature_collection([("fg-1", LAYER)]),
        file_name="fg.geojson",
        province="FR",
        kind="foerageergebied",
        valid_from=date(2024, 11, 1),
        valid_until=None,
        source="Provincie Fryslân, test",
        imported_by="test",
    )
    session.flush()


def outlined_parcel(session, user, name: str, shape, crop: str = "blijvend_grasland") -> Parcel:
    """A parcel of the farmer with an outline in RD New."""
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))
    parcel = Parcel(
        farmer_id=profile.id,
        name=name,
        area_ha=area_ha(shape),
        crop=crop,
        province="FR",
        tenure=Tenure.OWN,
        geometry=rd_geojson(shape),
        source=ParcelSource.DRAWN,
    )
    session.add(parcel)
    session.flush()
    return parcel


def register_while_open(monkeypatch, session, user, parcels, year: int = YEAR) -> list:
    """Register the parcels as the farmer did before the deadline (on 1 February)."""
    monkeypatch.setattr(registrations, "today", lambda: date(year, 2, 1))
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))
    made = registrations.register(
        profile,
        {"province": "FR", "damage_year": year, "parcel_ids": [p.id for p in parcels]},
        user,
    )
    monkeypatch.undo()
    return made


def world(session, make_user, monkeypatch, small: int = 8) -> dict:
    """Farmers with parcels: `small` of 2 ha inside, one half inside (1 ha in), one outside,
    one of 40 ha inside (above € 5.000); all registered for YEAR."""
    foraging_area(session)
    farmers = [make_user("farmer") for _ in range(3)]
    parcels = []
    for i in range(small):
        x, y = 180_000 + (i % 4) * 220, 570_000 + (i // 4) * 120
        parcels.append(
            outlined_parcel(session, farmers[i % 2], f"Klein {i + 1}", rd_box(x, y, 200, 100))
        )
    half = outlined_parcel(session, farmers[2], "Half", rd_box(180_900, 570_400, 200, 100))
    outside = outlined_parcel(session, farmers[2], "Buiten", rd_box(183_000, 570_000, 200, 100))
    large = outlined_parcel(session, farmers[2], "Groot", rd_box(180_100, 570_450, 800, 500))
    for user in farmers:
        mine = [p for p in [*parcels, half, outside, large] if p.farmer.user_id == user.id]
        register_while_open(monkeypatch, session, user, mine)
    return {
        "farmers": farmers,
        "small": parcels,
        "half": half,
        "outside": outside,
        "large": large,
        "overlap_half": Decimal("1.0000"),
    }
