"""Registering parcels for autotax ("Autotax percelen", "Autotax gereed melden", DOMAIN §3.7):
a farmer's parcels with an outline, for one damage year, in a province that runs autotax, on or
before the province's registration deadline; listed, and withdrawn before that deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade.audit import chain as audit
from faunaschade.clock import damage_year, today
from faunaschade.errors import Conflict, NotFound, ValidationFailed
from faunaschade.extensions import db
from faunaschade.i18n import language
from faunaschade.models import AutotaxRegistration, FarmerProfile, Parcel, Tenure, User
from faunaschade.money import written_date
from faunaschade.provinces import PROVINCES
from faunaschade.rules import autotax as tables


@dataclass(frozen=True)
class Season:
    """A damage year a farmer can register for in a province, with its deadline."""

    province: str
    damage_year: int
    deadline: date

    @property
    def is_open(self) -> bool:
        """Registrations are taken until the deadline, inclusive."""
        return today() <= self.deadline


def open_years() -> list[int]:
    """The damage years a farmer may register for now: this one and the next."""
    current = damage_year(today())
    return [current, current + 1]


def open_seasons() -> list[Season]:
    """Every province × damage year whose registration is still open, earliest deadline first."""
    found = []
    for year in open_years():
        for province in tables.running_provinces(year):
            terms = tables.terms_for(province, year)
            season = Season(province, year, terms.deadline(year))
            if season.is_open:
                found.append(season)
    return sorted(found, key=lambda s: (s.deadline, s.province))


def _deadline_text(province: str, year: int, deadline: date) -> str:
    return _(
        "De aanmelding voor autotax in %(province)s voor schadejaar %(year)s sloot op %(day)s.",
        province=PROVINCES[province],
        year=year,
        day=written_date(deadline, language()),
    )


def _season(province: str, year: int) -> Season:
    """The province's season for that year, or the field errors that say why there is none."""
    if year not in open_years() and year > max(open_years()):
        raise ValidationFailed(
            fields={
                "damage_year": [
                    _(
                        "Aanmelden kan voor schadejaar %(years)s.",
                        years=" of ".join(str(y) for y in open_years()),
                    )
                ]
            }
        )
    terms = tables.terms_for(province, year)
    if terms is None:
        running = ", ".join(PROVINCES[p] for p in tables.running_provinces(year)) or "—"
        raise ValidationFailed(
            fields={
                "province": [
                    _(
                        "%(province)s doet in schadejaar %(year)s niet mee aan autotax "
                        "(wel: %(running)s).",
                        province=PROVINCES.get(province, province),
                        year=year,
                        running=running,
                    )
                ]
            }
        )
    return Season(province, year, terms.deadline(year))


def _problems(profile: FarmerProfile, province: str, year: int, ids: list[int]) -> dict:
    errors: dict[str, list[str]] = {}
    taken = set(
        db.session.scalars(
            select(AutotaxRegistration.parcel_id).where(
                AutotaxRegistration.farmer_id == profile.id,
                AutotaxRegistration.damage_year == year,
            )
        )
    )
    seen: set[int] = set()
    for i, parcel_id in enumerate(ids):
        path = f"parcel_ids[{i}]"
        parcel = db.session.get(Parcel, parcel_id)
        if parcel is None or parcel.farmer_id != profile.id:
            errors[path] = [_("Onbekend perceel: voeg het eerst toe bij Mijn percelen.")]
        elif parcel_id in seen:
            errors[path] = [_("Perceel '%(name)s' staat twee keer in de lijst.", name=parcel.name)]
        elif parcel.geometry is None:
            errors[path] = [
                _(
                    "Perceel '%(name)s' heeft geen omtrek. Lees het in uit het RVO-bestand of "
                    "teken de omtrek; autotax legt de omtrek over de kaart van de provincie.",
                    name=parcel.name,
                )
            ]
        elif parcel.tenure == Tenure.RENT:
            errors[path] = [
                _(
                    "Perceel '%(name)s' is gehuurd. Gehuurde percelen komen niet in aanmerking "
                    "voor een tegemoetkoming; alleen eigendom of (erf)pacht.",
                    name=parcel.name,
                )
            ]
        elif parcel.province is not None and parcel.province != province:
            errors[path] = [
                _(
                    "Perceel '%(name)s' ligt in %(theirs)s, niet in %(province)s.",
                    name=parcel.name,
                    theirs=PROVINCES[parcel.province],
                    province=PROVINCES[province],
                )
            ]
        elif parcel_id in taken:
            errors[path] = [
                _(
                    "Perceel '%(name)s' is al aangemeld voor schadejaar %(year)s.",
                    name=parcel.name,
                    year=year,
                )
            ]
        seen.add(parcel_id)
    return errors


def register(
    profile: FarmerProfile, data: dict[str, Any], actor: User
) -> list[AutotaxRegistration]:
    """Register the parcels for autotax; all or none, every problem named by its field."""
    province, year, ids = data["province"], data["damage_year"], data["parcel_ids"]
    season = _season(province, year)
    if not season.is_open:
        raise ValidationFailed(
            fields={"damage_year": [_deadline_text(province, year, season.deadline)]}
        )
    if errors := _problems(profile, province, year, ids):
        raise ValidationFailed(fields=errors)
    made = []
    for parcel_id in ids:
        registration = AutotaxRegistration(
            farmer_id=profile.id,
            parcel_id=parcel_id,
            province=province,
            damage_year=year,
            registered_by=actor.id,
        )
        db.session.add(registration)
        db.session.flush()
        audit.record(
            "autotax.registered",
            registration,
            actor=actor,
            data={"parcel_id": parcel_id, "province": province, "damage_year": year},
        )
        made.append(registration)
    return made


def registrations_of(profile: FarmerProfile) -> list[AutotaxRegistration]:
    """The farmer's registrations, newest damage year first."""
    return list(
        db.session.scalars(
            select(AutotaxRegistration)
            .where(AutotaxRegistration.farmer_id == profile.id)
            .order_by(AutotaxRegistration.damage_year.desc(), AutotaxRegistration.id)
        )
    )


def registration_of(profile: FarmerProfile, registration_id: int) -> AutotaxRegistration:
    """One of the farmer's registrations (404 for anyone else's)."""
    registration = db.session.get(AutotaxRegistration, registration_id)
    if registration is None or registration.farmer_id != profile.id:
        raise NotFound(_("Aanmelding niet gevonden."))
    return registration


def deadline_of(registration: AutotaxRegistration) -> date | None:
    """The registration deadline of the registration's province and year."""
    terms = tables.terms_for(registration.province, registration.damage_year)
    return terms.deadline(registration.damage_year) if terms else None


def withdraw(registration: AutotaxRegistration, actor: User) -> None:
    """Withdraw before the deadline (the row goes; the audit log keeps that it was there)."""
    deadline = deadline_of(registration)
    if deadline is None or today() > deadline:
        raise Conflict(
            _deadline_text(registration.province, registration.damage_year, deadline or today())
            + " "
            + _("Intrekken kan niet meer."),
            code="registration_closed",
        )
    audit.record(
        "autotax.withdrawn",
        registration,
        actor=actor,
        data={
            "parcel_id": registration.parcel_id,
            "province": registration.province,
            "damage_year": registration.damage_year,
        },
    )
    db.session.delete(registration)
    db.session.flush()
