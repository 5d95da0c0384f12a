"""The farmer's parcels from the file RVO lets them download: read and listed first (name, crop,
area, province, problems per parcel), then added as the farmer picks them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade.audit import chain as audit
from faunaschade.errors import Conflict, NotFound, ValidationFailed
from faunaschade.extensions import db
from faunaschade.gis.files import Feature, FileRefused, read_features
from faunaschade.gis.geometry import area_ha, rd_geojson
from faunaschade.gis.regions import province_of
from faunaschade.models import FarmerProfile, Parcel, ParcelImport, ParcelSource, Tenure, User
from faunaschade.models.base import utcnow

#: How long an uploaded file waits for the farmer's choice.
IMPORT_VALID_FOR = timedelta(hours=24)

#: RVO's gewascodes (Basisregistratie Gewaspercelen) for the crops of our catalogue. Only codes
#: we are sure of; a parcel with another code asks the farmer for its crop.
CROP_BY_GEWASCODE = {
    "265": "blijvend_grasland",  # Grasland, blijvend
    "266": "tijdelijk_grasland",  # Grasland, tijdelijk
    "331": "blijvend_grasland",  # Grasland, natuurlijk; hoofdfunctie landbouw (blijvend gras)
    "259": "snijmais",  # Maïs, snij-
    "316": "korrelmais",  # Maïs, korrel-
    "233": "wintertarwe",  # Tarwe, winter-
    "234": "zomertarwe",  # Tarwe, zomer-
    "236": "wintergerst",  # Gerst, winter-
    "256": "suikerbiet",  # Bieten, suiker-
}


def _parcel_row(feature: Feature, file_name: str, taken: dict[str, str]) -> dict[str, Any]:
    code = feature.prop("gewascode", "gws_gewascode", "gewas_code", "cropcode")
    crop_text = feature.prop("gewas", "gws_gewas", "gewasomschrijving")
    name = feature.prop("naam", "name", "perceelnaam")
    sector = feature.prop("sectorid", "sector_id", "perceelid")
    problems = list(feature.problems)
    if feature.id in taken:
        problems.append(
            _(
                "%(label)s is al toegevoegd als perceel '%(name)s'.",
                label=feature.label,
                name=taken[feature.id],
            )
        )
    shape = feature.geometry
    return {
        "id": feature.id,
        "name": (
            name
            or (_("Perceel %(id)s", id=sector) if sector else _("Perceel %(id)s", id=feature.id))
        )[:100],
        "crop_code": code,
        "crop_text": crop_text,
        "crop": CROP_BY_GEWASCODE.get(code or ""),
        "area_ha": str(area_ha(shape)) if shape is not None else None,
        "province": province_of(shape) if shape is not None else None,
        "problems": problems,
        "geometry": rd_geojson(shape) if shape is not None and not problems else None,
    }


def read_parcel_file(
    profile: FarmerProfile, file_name: str, data: bytes, actor: User
) -> ParcelImport:
    """Read the farmer's parcel file and keep what was found for the farmer's choice."""
    if not data:
        raise ValidationFailed(fields={"file": [_("Het bestand is leeg.")]})
    try:
        features = read_features(data)
    except FileRefused as error:
        raise ValidationFailed(fields={"file": [error.message]}) from None
    taken = {
        p.source_feature: p.name
        for p in profile.parcels
        if p.source == ParcelSource.IMPORT and p.source_feature
    }
    found = ParcelImport(
        token=secrets.token_urlsafe(32),
        farmer_id=profile.id,
        file_name=file_name[:200],
        file_sha256=hashlib.sha256(data).hexdigest(),
        parcels=[_parcel_row(f, file_name, taken) for f in features],
    )
    db.session.add(found)
    db.session.flush()
    audit.record(
        "parcel_import.read",
        found,
        actor=actor,
        data={
            "file_sha256": found.file_sha256,
            "features": len(features),
            "with_problems": sum(1 for p in found.parcels if p["problems"]),
        },
    )
    return found


def import_of(profile: FarmerProfile, token: str) -> ParcelImport:
    """The farmer's own waiting import; another's or an unknown token answers 404."""
    found = db.session.scalar(select(ParcelImport).where(ParcelImport.token == token))
    if found is None or found.farmer_id != profile.id:
        raise NotFound(_("Dit perceelbestand is niet (meer) bekend. Lees het opnieuw in."))
    return found


def expires_at(found: ParcelImport):
    """Until when the farmer can pick parcels from this file."""
    return found.created_at + IMPORT_VALID_FOR


def preview(found: ParcelImport) -> dict[str, Any]:
    """What the farmer chooses from: the token, the file's name, until when, the parcels."""
    return {
        "token": found.token,
        "file_name": found.file_name,
        "expires_at": expires_at(found),
        "parcels": found.parcels,
    }


def add_chosen(
    profile: FarmerProfile, token: str, choices: list[dict[str, Any]], actor: User
) -> list[Parcel]:
    """Add the parcels the farmer picked (id, and crop and tenure where asked); all or none."""
    found = import_of(profile, token)
    if found.confirmed_at is not None:
        raise Conflict(_("Uit dit bestand zijn al percelen toegevoegd. Lees het opnieuw in."))
    if utcnow() > expires_at(found):
        raise Conflict(_("Dit perceelbestand is verlopen (na 24 uur). Lees het opnieuw in."))
    rows = {row["id"]: row for row in found.parcels}
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for n, choice in enumerate(choices):
        row = rows.get(choice["id"])
        key = f"parcels[{n}]"
        if row is None:
            errors[f"{key}.id"] = [
                _("Onbekend perceel in dit bestand: %(id)s.", id=choice["id"][:100])
            ]
        elif choice["id"] in seen:
            errors[f"{key}.id"] = [_("Dit perceel is twee keer gekozen.")]
        elif row["problems"]:
            errors[f"{key}.id"] = row["problems"]
        elif not (choice.get("crop") or row["crop"]):
            errors[f"{key}.crop"] = [
                _(
                    "Kies de teelt van perceel '%(name)s' (gewascode %(code)s is niet bekend).",
                    name=row["name"],
                    code=row["crop_code"] or "-",
                )
            ]
        seen.add(choice["id"])
    if errors:
        raise ValidationFailed(fields=errors)
    parcels = []
    for choice in choices:
        row = rows[choice["id"]]
        parcel = Parcel(
            farmer_id=profile.id,
            name=(choice.get("name") or row["name"])[:100],
            area_ha=Decimal(row["area_ha"]),
            crop=choice.get("crop") or row["crop"],
            province=row["province"],
            tenure=Tenure(choice.get("tenure") or Tenure.OWN.value),
            geometry=row["geometry"],
            source=ParcelSource.IMPORT,
            source_file=found.file_name,
            source_feature=row["id"],
        )
        db.session.add(parcel)
        parcels.append(parcel)
    found.confirmed_at = utcnow()
    db.session.flush()
    for parcel in parcels:
        audit.record(
            "parcel.created",
            parcel,
            actor=actor,
            data={
                "tenure": parcel.tenure.value,
                "source": ParcelSource.IMPORT.value,
                "file_sha256": found.file_sha256,
                "feature": parcel.source_feature,
            },
        )
    return parcels
