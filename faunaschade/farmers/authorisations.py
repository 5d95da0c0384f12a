"""Machtigingen (issue 15): a farmer authorises a registered user to act for them, an officer
records a written authorisation, either revokes one; and the checks that acting for a farmer
relies on (whom a user may file for, whether a user may object on a claim)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, true

from faunaschade.access import farmer_profile
from faunaschade.accounts import users
from faunaschade.audit import chain as audit
from faunaschade.claims.attachments import sniff
from faunaschade.clock import local_day, today
from faunaschade.errors import Conflict, Forbidden, NotFound, ValidationFailed
from faunaschade.extensions import db
from faunaschade.farmers.operations import profile_of
from faunaschade.models import Claim, FarmerProfile, Role, User
from faunaschade.models.authorisations import (
    Authorisation,
    AuthorisationSource,
    active_on,
    covering,
)
from faunaschade.models.base import utcnow
from faunaschade.storage import store_bytes


def _day(value: date) -> str:
    return f"{value:%d-%m-%Y}"


def _representative(email: str, farmer: FarmerProfile) -> User:
    """The registered farmer-role user behind the address; field errors name why not."""
    user = users.user_by_email(email)
    if user is None or not user.active:
        raise ValidationFailed(
            fields={
                "email": [
                    _(
                        "Er is geen account met dit e-mailadres. Vraag uw gemachtigde eerst een "
                        "account aan te maken (registreren) en probeer het dan opnieuw."
                    )
                ]
            }
        )
    if user.id == farmer.user_id:
        raise ValidationFailed(fields={"email": [_("U kunt uzelf niet machtigen.")]})
    if user.role != Role.FARMER:
        raise ValidationFailed(
            fields={
                "email": [
                    _(
                        "Dit is een account van een medewerker (behandelaar, taxateur, "
                        "controleur of beheerder); dat kan niet worden gemachtigd."
                    )
                ]
            }
        )
    return user


def _claim_of(farmer: FarmerProfile, claim_id: int | None) -> Claim | None:
    if claim_id is None:
        return None
    claim = db.session.get(Claim, claim_id)
    if claim is None or claim.farmer_id != farmer.id:
        raise ValidationFailed(fields={"claim_id": [_("Kies een van uw eigen aanvragen.")]})
    return claim


def _check_period(valid_from: date, valid_until: date | None, *, online: bool) -> None:
    errors: dict[str, list[str]] = {}
    if online and valid_from < today():
        errors["valid_from"] = [_("De ingangsdatum ligt in het verleden.")]
    if valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [_("De einddatum ligt vóór de ingangsdatum.")]
    elif valid_until is not None and valid_until < today():
        errors["valid_until"] = [_("De einddatum ligt in het verleden.")]
    if errors:
        raise ValidationFailed(fields=errors)


def _check_overlap(
    farmer: FarmerProfile, representative: User, claim_id: int | None, start: date, end: date | None
) -> None:
    """One authorisation per person, claim and day: a second that overlaps is refused."""
    scopes = Authorisation.claim_id.is_(None) | (
        Authorisation.claim_id == claim_id
        if claim_id is not None
        else Authorisation.id.is_not(None)
    )
    clash = db.session.scalar(
        select(Authorisation)
        .where(
            Authorisation.farmer_id == farmer.id,
            Authorisation.representative_id == representative.id,
            Authorisation.revoked_at.is_(None),
            scopes,
            or_(Authorisation.valid_until.is_(None), Authorisation.valid_until >= start),
            Authorisation.valid_from <= end if end is not None else true(),
        )
        .limit(1)
    )
    if clash is None:
        return
    period = (
        _("vanaf %(start)s", start=_day(clash.valid_from))
        if clash.valid_until is None
        else _(
            "van %(start)s tot en met %(end)s",
            start=_day(clash.valid_from),
            end=_day(clash.valid_until),
        )
    )
    raise ValidationFailed(
        fields={
            "email": [
                _(
                    "Deze persoon heeft al een machtiging die deze overlapt (%(period)s). "
                    "Trek die eerst in.",
                    period=period,
                )
            ]
        }
    )


def _create(
    farmer: FarmerProfile,
    data: dict[str, Any],
    actor: User,
    source: AuthorisationSource,
    **extra: Any,
) -> Authorisation:
    representative = _representative(data["email"], farmer)
    claim = _claim_of(farmer, data.get("claim_id"))
    start = data.get("valid_from") or today()
    end = data.get("valid_until")
    _check_period(start, end, online=source == AuthorisationSource.ONLINE)
    _check_overlap(farmer, representative, claim.id if claim else None, start, end)
    authorisation = Authorisation(
        farmer_id=farmer.id,
        representative_id=representative.id,
        claim_id=claim.id if claim else None,
        valid_from=start,
        valid_until=end,
        source=source,
        created_by=actor.id,
        **extra,
    )
    db.session.add(authorisation)
    db.session.flush()
    audit.record(
        "authorisation.granted",
        authorisation,
        actor=actor,
        claim_id=authorisation.claim_id,
        data={
            "farmer_id": farmer.id,
            "representative_id": representative.id,
            "scope": authorisation.scope,
            "valid_from": start,
            "valid_until": end,
            "source": source.value,
        },
    )
    return authorisation


def grant(farmer: FarmerProfile, data: dict[str, Any], actor: User) -> Authorisation:
    """The farmer authorises a registered user (by e-mail address) for all claims or one."""
    return _create(farmer, data, actor, AuthorisationSource.ONLINE)


def record_written(
    farmer: FarmerProfile,
    data: dict[str, Any],
    officer: User,
    scan: tuple[str, bytes] | None = None,
) -> Authorisation:
    """An officer records a signed paper authorisation (the document's date, optionally its
    scan) for a farmer who is not online."""
    document_date = data["document_date"]
    if document_date > today():
        raise ValidationFailed(fields={"document_date": [_("Deze datum ligt in de toekomst.")]})
    file_id = None
    if scan is not None:
        file_id = _store_scan(scan[1])
    return _create(
        farmer,
        data,
        officer,
        AuthorisationSource.WRITTEN,
        document_date=document_date,
        document_file_id=file_id,
    )


def _store_scan(data: bytes) -> int:
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if not data:
        raise ValidationFailed(fields={"file": [_("Het bestand is leeg.")]})
    if len(data) > limit:
        raise ValidationFailed(
            fields={"file": [_("Het bestand is groter dan %(n)s MB.", n=limit // (1024 * 1024))]}
        )
    mime = sniff(data)
    if mime is None:
        raise ValidationFailed(
            fields={"file": [_("Alleen een PDF of een foto (JPEG, PNG) van de machtiging.")]}
        )
    return store_bytes(data, mime).id


def revoke(authorisation: Authorisation, actor: User) -> Authorisation:
    """End the authorisation now: the representative's next request answers 404."""
    if authorisation.revoked_at is not None:
        raise Conflict(
            _(
                "Deze machtiging is al ingetrokken op %(day)s.",
                day=_day(local_day(authorisation.revoked_at)),
            )
        )
    authorisation.revoked_at, authorisation.revoked_by = utcnow(), actor.id
    db.session.flush()
    audit.record(
        "authorisation.revoked",
        authorisation,
        actor=actor,
        claim_id=authorisation.claim_id,
        data={
            "farmer_id": authorisation.farmer_id,
            "representative_id": authorisation.representative_id,
        },
    )
    return authorisation


# -- Reads --


def granted_by(farmer: FarmerProfile) -> list[Authorisation]:
    """Every authorisation of the farmer, newest first (revoked and expired ones too)."""
    return list(
        db.session.scalars(
            select(Authorisation)
            .where(Authorisation.farmer_id == farmer.id)
            .order_by(Authorisation.id.desc())
        )
    )


def acting_for(user: User) -> list[Authorisation]:
    """The user's authorisations that count today (whom they act for), by farmer name."""
    return list(
        db.session.scalars(
            select(Authorisation)
            .join(FarmerProfile, FarmerProfile.id == Authorisation.farmer_id)
            .where(Authorisation.representative_id == user.id, active_on(today()))
            .order_by(FarmerProfile.name, Authorisation.id)
        )
    )


def may_file_for(user: User) -> list[FarmerProfile]:
    """The farmers for whom the user may file a new claim (authorised for all claims today)."""
    return list(
        db.session.scalars(
            select(FarmerProfile)
            .join(Authorisation, Authorisation.farmer_id == FarmerProfile.id)
            .where(
                Authorisation.representative_id == user.id,
                covering(FarmerProfile.id, None, today()),
                FarmerProfile.erased_at.is_(None),
            )
            .distinct()
            .order_by(FarmerProfile.name)
        )
    )


def own_profile(user: User) -> FarmerProfile | None:
    """The user's own farm, if they have one (a contractor may not)."""
    return farmer_profile(user)


def filing_profile(user: User, farmer_id: int | None) -> FarmerProfile:
    """Whose claim a new claim is: the user's own farm (no `farmer_id`), or the farmer who
    authorised the user for all claims today; a field error on `farmer_id` otherwise."""
    if farmer_id is None:
        return profile_of(user)
    own = own_profile(user)
    if own is not None and own.id == farmer_id:
        return own
    for profile in may_file_for(user):
        if profile.id == farmer_id:
            return profile
    raise ValidationFailed(
        fields={
            "farmer_id": [
                _(
                    "U heeft vandaag geen machtiging van deze aanvrager voor al zijn of haar "
                    "aanvragen; vraag de aanvrager om een machtiging."
                )
            ]
        }
    )


def authorisation_of(farmer: FarmerProfile, authorisation_id: int) -> Authorisation:
    """One of the farmer's authorisations; another's answers 404."""
    authorisation = db.session.get(Authorisation, authorisation_id)
    if authorisation is None or authorisation.farmer_id != farmer.id:
        raise NotFound(_("Machtiging niet gevonden."))
    return authorisation


def check_may_act(claim: Claim, user: User) -> None:
    """Refuse (403, naming why) unless `user` is the claim's farmer or holds an authorisation
    of that farmer covering this claim today."""
    farmer = db.session.get(FarmerProfile, claim.farmer_id)
    if farmer is not None and farmer.user_id == user.id:
        return
    found = list(
        db.session.scalars(
            select(Authorisation)
            .where(
                Authorisation.farmer_id == claim.farmer_id,
                Authorisation.representative_id == user.id,
                or_(Authorisation.claim_id.is_(None), Authorisation.claim_id == claim.id),
            )
            .order_by(Authorisation.id.desc())
        )
    )
    day = today()
    if any(a.is_active(day) for a in found):
        return
    name = farmer.name if farmer is not None else "?"
    revoked = [a for a in found if a.revoked_at is not None]
    expired = [a for a in found if a.valid_until is not None and a.valid_until < day]
    if revoked:
        message = _(
            "Uw machtiging van %(name)s is ingetrokken op %(day)s.",
            name=name,
            day=_day(local_day(revoked[0].revoked_at)),
        )
    elif expired:
        message = _(
            "Uw machtiging van %(name)s is verlopen op %(day)s.",
            name=name,
            day=_day(expired[0].valid_until),
        )
    elif found:
        message = _(
            "Uw machtiging van %(name)s geldt pas vanaf %(day)s.",
            name=name,
            day=_day(min(a.valid_from for a in found)),
        )
    else:
        message = _("U heeft geen machtiging van %(name)s voor deze aanvraag.", name=name)
    raise Forbidden(message, code="not_authorised")
