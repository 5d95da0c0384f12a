"""Use cases of the farmer: register, add and edit parcels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade.access import farmer_profile
from faunaschade.accounts import users
from faunaschade.audit import chain as audit
from faunaschade.errors import NotFound, ValidationFailed
from faunaschade.extensions import db
from faunaschade.i18n import N_
from faunaschade.models import FarmerProfile, Parcel, ParcelSource, Role, Tenure, User
from faunaschade.validators import iban, kvk, phone, postcode

#: The answer to every accepted registration, new address or not (no account enumeration).
REGISTRATION_RECEIVED = N_("Uw registratie is ontvangen. Log in met uw e-mailadres en wachtwoord.")


def register_farmer(data: dict[str, Any]) -> FarmerProfile | None:
    """Create the login and the farmer's profile from validated registration data.

    None when the address already has an account: the caller answers as for a new one.
    """
    owner = users.user_by_email(data["email"])
    if owner is not None:
        users.repeat_registration(owner, data["password"])
        return None
    user = users.create_user(data["email"], data["password"], Role.FARMER, name=data["name"])
    profile = FarmerProfile(
        user_id=user.id,
        name=data["name"].strip(),
        kvk=kvk(data["kvk"]),
        iban=iban(data["iban"]),
        address=data["address"].strip(),
        postcode=postcode(data["postcode"]),
        city=data["city"].strip(),
        phone=phone(data["phone"]) if (data.get("phone") or "").strip() else None,
    )
    db.session.add(profile)
    db.session.flush()
    audit.record("farmer.registered", profile, actor=user)
    if others := sharing_kvk(profile):
        # Staff see this on the claim page; the registrant must not learn of the other account.
        # Ids only: the KvK number is personal data, and the audit chain cannot forget.
        shared = {"profile_ids": [other.id for other in others]}
        audit.record("farmer.kvk_shared", profile, actor=user, data=shared)
    return profile


@dataclass(frozen=True)
class Applicant:
    """The farmer as the officer's claim page shows them (the IBAN masked)."""

    name: str  #: Business or applicant name.
    address: str  #: Street and number.
    postcode: str  #: "1234 AB".
    city: str  #: Town.
    kvk: str  #: KvK number, 8 digits.
    iban: str  #: "NL** **** **** **43 00": only the last four characters.
    email: str  #: Login address.
    phone: str | None  #: Dialling form "+31612345678", if given.
    phone_shown: str | None  #: The same as a Dutch reader writes it: "06 1234 5678".


def masked_iban(iban: str) -> str:
    """NL** **** **** **43 00: the country and the last four characters only."""
    compact = iban.replace(" ", "")
    if len(compact) <= 6:
        return "*" * len(compact)
    hidden = compact[:2] + "*" * (len(compact) - 6) + compact[-4:]
    return " ".join(hidden[i : i + 4] for i in range(0, len(hidden), 4))


def shown_phone(stored: str) -> str:
    """+31612345678 → "06 1234 5678"; a landline → "0512 345678" (area code not known: 4+6)."""
    national = "0" + stored.removeprefix("+31")
    if national.startswith("06"):
        return f"{national[:2]} {national[2:6]} {national[6:]}"
    return f"{national[:4]} {national[4:]}"


def applicant(profile: FarmerProfile) -> Applicant:
    """Who applied, for the officer: name, address, KvK, masked IBAN, e-mail, phone."""
    user = db.session.get(User, profile.user_id)
    return Applicant(
        name=profile.name,
        address=profile.address,
        postcode=profile.postcode,
        city=profile.city,
        kvk=profile.kvk,
        iban=masked_iban(profile.iban),
        email=user.email if user else "",
        phone=profile.phone,
        phone_shown=shown_phone(profile.phone) if profile.phone else None,
    )


def sharing_kvk(profile: FarmerProfile) -> list[FarmerProfile]:
    """The other, not erased, farmers' profiles with the same KvK number."""
    return list(
        db.session.scalars(
            select(FarmerProfile)
            .where(
                FarmerProfile.kvk == profile.kvk,
                FarmerProfile.id != profile.id,
                FarmerProfile.erased_at.is_(None),
            )
            .order_by(FarmerProfile.id)
        )
    )


def profile_of(user: User) -> FarmerProfile:
    """The farmer's own profile (404 for users without one)."""
    profile = farmer_profile(user)
    if profile is None:
        raise NotFound(_("Geen boerenprofiel bij deze gebruiker."))
    return profile


def parcel_of(profile: FarmerProfile, parcel_id: int) -> Parcel:
    """One of the farmer's own parcels; another's answers 404."""
    parcel = db.session.get(Parcel, parcel_id)
    if parcel is None or parcel.farmer_id != profile.id:
        raise NotFound(_("Perceel niet gevonden."))
    return parcel


def add_parcel(profile: FarmerProfile, data: dict[str, Any], actor: User) -> Parcel:
    """Register a parcel for the farmer."""
    fields = _parcel_fields(data)
    source = ParcelSource.DRAWN if fields.get("geometry") else ParcelSource.TYPED
    parcel = Parcel(farmer_id=profile.id, source=source, **fields)
    db.session.add(parcel)
    db.session.flush()
    audit.record("parcel.created", parcel, actor=actor, data={"tenure": parcel.tenure.value})
    return parcel


def edit_parcel(parcel: Parcel, data: dict[str, Any], actor: User) -> Parcel:
    """Change a parcel's fields."""
    for key, value in _parcel_fields(data).items():
        setattr(parcel, key, value)
    if parcel.geometry is None and "geometry" in data:
        parcel.geometry = None
    if "geometry" in data:  # a new outline is the farmer's own, whatever it was before
        parcel.source = ParcelSource.DRAWN if parcel.geometry else ParcelSource.TYPED
        parcel.source_file = parcel.source_feature = None
    db.session.flush()
    audit.record("parcel.updated", parcel, actor=actor, data={"fields": sorted(data)})
    return parcel


def _parcel_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: data[k] for k in ("name", "area_ha", "crop", "province", "geometry") if k in data}
    if "tenure" in data:
        fields["tenure"] = Tenure(data["tenure"])
    if not fields:
        raise ValidationFailed(_("Niets om te wijzigen."), fields={"_schema": [_("Geen velden.")]})
    return fields
