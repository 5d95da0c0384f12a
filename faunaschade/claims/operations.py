"""Use cases of a claim in the farmer's hands: create, edit, attach, submit, withdraw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect

from faunaschade import rules
from faunaschade.audit import chain as audit
from faunaschade.claims import areas, from_parcels, workflow
from faunaschade.claims.leges import cancel_open_payments
from faunaschade.claims.livestock import is_late_report
from faunaschade.claims.receipt import on_received
from faunaschade.clock import local_day, today
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.i18n import name_of
from faunaschade.models import (
    AreaCheck,
    Claim,
    ClaimKind,
    ClaimParcel,
    ClaimSpecies,
    ClaimStatus,
    FarmerProfile,
    Parcel,
    Tenure,
    User,
)
from faunaschade.models.base import utcnow
from faunaschade.models.claims import reference_on_insert
from faunaschade.models.decisions import current_decision
from faunaschade.rules.catalogue import CROPS, SPECIES

EDITABLE = (ClaimStatus.DRAFT,)
#: Statuses a claim can only have before any decision on it (none leads back from `decided`,
#: tests/claims/test_request_path.py walks the life cycle to be sure).
UNDECIDED = (
    ClaimStatus.DRAFT,
    ClaimStatus.AWAITING_PAYMENT,
    ClaimStatus.SUBMITTED,
    ClaimStatus.INCOMPLETE,
    ClaimStatus.ASSESSMENT_ORDERED,
    ClaimStatus.ASSESSED,
    ClaimStatus.PROPOSED,
    ClaimStatus.WITHDRAWN,
)


def _rule_set(province: str, discovered_on: date) -> rules.RuleSet:
    try:
        return rules.rule_set_for(province, discovered_on)
    except rules.NoRuleSetError:
        raise ValidationFailed(
            fields={
                "discovered_on": [
                    _(
                        "Voor provincie %(province)s is er geen regeling op %(day)s.",
                        province=province,
                        day=f"{discovered_on:%d-%m-%Y}",
                    )
                ]
            }
        ) from None


def _check(
    profile: FarmerProfile, data: dict[str, Any]
) -> tuple[dict[str, list[str]], dict[int, Parcel], dict[str, str | None]]:
    """Business rules on a claim body: field path → messages, the parcels read, and the
    claim's province and crop (as given, else as its parcels tell them: claims.from_parcels).

    The body may be partial (the fields that passed the schema of a form that failed it): each
    rule is checked as far as its fields are there, so a form shows every problem at once.
    """
    errors: dict[str, list[str]] = {}
    found: dict[int, Parcel] = {}
    lines = data.get("parcels") or []
    for i, line in enumerate(lines):
        parcel = db.session.get(Parcel, line["parcel_id"]) if "parcel_id" in line else None
        if parcel is None or parcel.farmer_id != profile.id:
            if "parcel_id" in line:
                errors[f"parcels[{i}].parcel_id"] = [
                    _("Onbekend perceel: voeg het eerst toe bij Mijn percelen.")
                ]
            continue
        found[parcel.id] = parcel
    settled: dict[str, str | None] = {}
    for field in from_parcels.FIELDS:
        settled[field], problems = from_parcels.settle(field, data.get(field), list(found.values()))
        if problems:
            errors[field] = problems
    _check_date(data.get("discovered_on"), settled["province"], errors)
    # One crop per claim: with parcels of several crops, each of another crop is named.
    mixed = len({parcel.crop for parcel in found.values()}) > 1
    seen: set[tuple[int, str]] = set()
    province, day = settled["province"], data.get("discovered_on")
    for i, line in enumerate(lines):
        parcel = found.get(line.get("parcel_id"))
        if parcel is None:
            continue
        errors.update(
            _row_problems(f"parcels[{i}]", line, parcel, settled["crop"] if mixed else None)
        )
        on_map = areas.look_up(parcel, province, day) if province and day else None
        errors.update(_area_type_problems(f"parcels[{i}]", line, parcel, on_map, province, day))
        # A parcel on the map is one line: the map splits it over its area types.
        mapped = on_map is not None and on_map.check == AreaCheck.MAP
        key = (line["parcel_id"], "" if mapped else line.get("area_type", ""))
        if key in seen or (mapped and any(pid == parcel.id for pid, _type in seen)):
            errors[f"parcels[{i}].parcel_id"] = [
                _("Dit perceel staat al met dit gebiedstype op de aanvraag.")
                if not mapped
                else _(
                    "Perceel '%(name)s' staat al op de aanvraag; de kaart verdeelt het over "
                    "de gebiedstypen.",
                    name=parcel.name,
                )
            ]
        seen.add(key)
    return errors, found, settled


def _area_type_problems(
    path: str,
    line: dict[str, Any],
    parcel: Parcel,
    on_map: areas.OnMap | None,
    province: str | None,
    day: date | None,
) -> dict[str, list[str]]:
    """The area type of a parcel row: on the map it may be left out and may not contradict the
    map; off the map (no outline, no layer in force) the farmer gives it."""
    given = line.get("area_type")
    if on_map is None:  # province or day unknown yet: only a parcel without outline is sure
        if not given and parcel.geometry is None:
            return {f"{path}.area_type": [_("Kies het gebiedstype.")]}
        return {}
    if on_map.check == AreaCheck.MAP:
        problem = areas.contradiction(parcel, given, on_map, province, day) if given else None
        return {f"{path}.area_type": [problem]} if problem else {}
    if not given:
        return {f"{path}.area_type": [areas.missing_area_type(parcel, on_map, province, day)]}
    return {}


def _check_date(
    discovered_on: date | None, province: str | None, errors: dict[str, list[str]]
) -> None:
    if discovered_on is not None and discovered_on > today():
        errors["discovered_on"] = [_("De ontdekkingsdatum ligt in de toekomst.")]
    elif discovered_on is not None and province is not None:
        try:
            _rule_set(province, discovered_on)
        except ValidationFailed as exc:
            errors.update(exc.fields)


def _row_problems(
    path: str, line: dict[str, Any], parcel: Parcel, crop: str | None
) -> dict[str, list[str]]:
    """A parcel row's problems: rented, larger than the parcel, another crop than `crop`."""
    problems: dict[str, list[str]] = {}
    if parcel.tenure == Tenure.RENT:
        problems[f"{path}.parcel_id"] = [
            _(
                "Perceel '%(name)s' is gehuurd. Gehuurde percelen komen niet in aanmerking "
                "voor een tegemoetkoming; alleen eigendom of (erf)pacht.",
                name=parcel.name,
            )
        ]
    if line.get("damaged_area_ha") is not None and line["damaged_area_ha"] > parcel.area_ha:
        problems[f"{path}.damaged_area_ha"] = [
            _("Groter dan het perceel zelf (%(area)s ha).", area=parcel.area_ha)
        ]
    if crop is not None and parcel.crop != crop:
        problems.setdefault(f"{path}.parcel_id", []).append(
            _(
                "Op perceel '%(name)s' staat %(crop)s, niet %(claimed)s: één teelt per aanvraag.",
                name=parcel.name,
                crop=name_of(CROPS[parcel.crop]),
                claimed=name_of(CROPS[crop]),
            )
        )
    return problems


def claim_problems(profile: FarmerProfile, data: dict[str, Any]) -> dict[str, list[str]]:
    """What the business rules say about a (possibly partial) claim body: path → messages."""
    return _check(profile, data)[0]


def _apply(claim: Claim, data: dict[str, Any], parcels: dict[int, Parcel]) -> None:
    """Set the body's values; `parcels` are the ones _check read (the answer names them, and
    holding them here spares reading them again)."""
    for key in ("province", "crop", "discovered_on", "preventive_measures", "description"):
        if key in data:
            setattr(claim, key, data[key])
    if "species" in data:
        claim.species = [ClaimSpecies(species=code) for code in data["species"]]
    if "parcels" in data:
        _derive_components(claim, data["parcels"], parcels)
    claim.submission_deadline = rules.submission_deadline(claim.discovered_on)
    claim.leges = _rule_set(claim.province, claim.discovered_on).leges.amount


def _derive_components(claim: Claim, lines: list[dict[str, Any]], parcels: dict[int, Parcel]):
    """The claim's components from its lines: a parcel on the map (an outline, and layers of
    the claim's province in force on the day of discovery) gets one component per area type
    of its overlap, the damaged area split by the overlap's areas; any other keeps the farmer's
    area type. The overlap figures are kept with the claim."""
    rows: list[ClaimParcel] = []
    figures = []
    for line in lines:
        parcel = parcels[line["parcel_id"]]
        on_map = areas.look_up(parcel, claim.province, claim.discovered_on)
        parts, found = areas.components(parcel, line, on_map)
        rows.extend(parts)
        figures.extend(found)
    if claim.id is not None and (claim.parcels or claim.parcel_areas):
        # The old rows go first: the new ones may repeat their (parcel, area type).
        claim.parcels = []
        claim.parcel_areas = []
        db.session.flush()
    claim.parcels = rows
    claim.parcel_areas = figures


def lines_of(claim: Claim) -> list[dict[str, Any]]:
    """The claim's parcel lines as the farmer gives them: a parcel on the map once, with its
    whole damaged area and no area type (the map splits it); any other row as it is."""
    lines: dict[Any, dict[str, Any]] = {}
    for row in claim.parcels:
        if row.area_check == AreaCheck.MAP:
            line = lines.setdefault(
                ("map", row.parcel_id),
                {"parcel_id": row.parcel_id, "damaged_area_ha": Decimal("0")},
            )
            line["damaged_area_ha"] += row.damaged_area_ha
        else:
            lines[row.id or id(row)] = {
                "parcel_id": row.parcel_id,
                "damaged_area_ha": row.damaged_area_ha,
                "area_type": row.area_type.value,
            }
    return list(lines.values())


def _as_data(claim: Claim) -> dict[str, Any]:
    return {
        "province": claim.province,
        "crop": claim.crop,
        "discovered_on": claim.discovered_on,
        "species": [s.species for s in claim.species],
        "parcels": lines_of(claim),
        "preventive_measures": list(claim.preventive_measures or []),
        "description": claim.description,
    }


def _validated(
    profile: FarmerProfile, data: dict[str, Any]
) -> tuple[dict[int, Parcel], dict[str, Any]]:
    """Refuse a body that breaks a business rule; the parcels it names, by id, and the body
    with the province and crop its parcels tell where it left them out."""
    errors, parcels, settled = _check(profile, data)
    if errors:
        raise ValidationFailed(fields=errors)
    return parcels, {**data, **settled}


def checked(
    profile: FarmerProfile, data: dict[str, Any]
) -> tuple[dict[int, Parcel], dict[str, Any]]:
    """A claim body's business rules for another use case (a melding takes the same, so that it
    can always become a claim): refused with every field named, else the parcels it names and
    the body with its province and crop settled."""
    return _validated(profile, data)


def create_claim(profile: FarmerProfile, data: dict[str, Any], actor: User) -> Claim:
    """A new crop claim in draft; without a province or crop, its parcels' (when they agree)."""
    parcels, data = _validated(profile, data)
    claim = Claim(
        farmer=profile,  # the relationship: its profile stays loaded for the answer
        kind=ClaimKind.CROP,
        description=data.get("description") or "",
        attachments=[],  # a new draft has none: known without asking the database
    )
    _apply(claim, data, parcels)
    reference_on_insert(claim)
    db.session.add(claim)
    db.session.flush()
    audit.record(
        "claim.created", claim, actor=actor, claim_id=claim.id, to_status=claim.status.value
    )
    _record_areas(claim, actor)
    return claim


def _record_areas(claim: Claim, actor: User) -> None:
    """Record the overlap figures the components' area types were derived from, if any."""
    if claim.parcel_areas:
        audit.record(
            "claim.area_types_derived",
            claim,
            actor=actor,
            claim_id=claim.id,
            data={
                "discovered_on": claim.discovered_on.isoformat(),
                "figures": areas.audit_figures(claim),
            },
        )


def update_claim(claim: Claim, data: dict[str, Any], actor: User) -> Claim:
    """Change a draft; the whole claim is validated again. New parcels without a province or
    crop beside them bring their own (when they agree), as on a new claim."""
    if claim.status not in EDITABLE:
        raise Conflict(_("Een ingediende aanvraag kan niet meer worden gewijzigd."))
    merged = {**_as_data(claim), **data}
    if "parcels" in data:
        for field in from_parcels.FIELDS:
            if field not in data:
                del merged[field]
    profile = db.session.get(FarmerProfile, claim.farmer_id)
    parcels, merged = _validated(profile, merged)
    applied = {**data, **{f: merged[f] for f in from_parcels.FIELDS}}
    # The map's split depends on the parcels, the province and the day of discovery.
    rederive = bool({"parcels", "province", "discovered_on"} & set(data))
    if rederive:
        applied["parcels"] = merged["parcels"]
    _apply(claim, applied, parcels)
    db.session.flush()
    audit.record(
        "claim.updated", claim, actor=actor, claim_id=claim.id, data={"fields": sorted(data)}
    )
    if rederive:
        _record_areas(claim, actor)
    return claim


def is_late(claim: Claim, on: date | None = None) -> bool:
    """Submitting on `on` (default today) misses the 7-working-day deadline."""
    deadline = claim.submission_deadline or rules.submission_deadline(claim.discovered_on)
    submitted = local_day(claim.submitted_at) if claim.submitted_at else None
    return (submitted or on or today()) > deadline


def warnings(claim: Claim) -> list[dict[str, str]]:
    """What the farmer should know: late, species not compensated, rented parcels."""
    found = []
    if (
        claim.kind == ClaimKind.CROP
        and claim.status in (ClaimStatus.DRAFT, ClaimStatus.AWAITING_PAYMENT, ClaimStatus.SUBMITTED)
        and is_late(claim)
    ):
        found.append(
            {
                "code": "late_submission",
                "message": _(
                    "De termijn om in te dienen was %(day)s (7 werkdagen na ontdekking). Een te "
                    "late aanvraag wordt afgewezen; de leges krijgt u dan niet terug.",
                    day=f"{claim.submission_deadline:%d-%m-%Y}",
                ),
            }
        )

    if is_late_report(claim):
        found.append(
            {
                "code": "late_submission",
                "message": _(
                    "De melding kwam later dan 24 uur na de ontdekking. Een te late melding wordt "
                    "afgewezen, tenzij er een goede reden voor was."
                ),
            }
        )
    rule_set = rules.rule_set_for(claim.province, claim.discovered_on)
    for item in claim.species:
        if rule_set.exclusion(item.species, claim.discovered_on):
            name = name_of(SPECIES[item.species])
            found.append(
                {
                    "code": "species_not_compensated",
                    "message": _(
                        "Schade door %(species)s wordt in deze provincie op deze datum niet "
                        "vergoed.",
                        species=name,
                    ),
                }
            )
    return found


def deadlines(claim: Claim) -> dict[str, date | None]:
    """Every deadline of the claim."""
    if claim.status in UNDECIDED:
        decision = None  # none was ever taken: no need to ask
    elif "decision_in_force" not in inspect(claim).unloaded:
        decision = claim.decision_in_force  # loaded with its page of claims
    else:
        decision = current_decision(claim) if claim.id else None
    return {
        "submission": claim.submission_deadline,
        "completion": claim.completion_deadline,
        "zienswijze": claim.zienswijze_deadline,
        "decision": claim.decision_target,
        "decision_backstop": claim.backstop_deadline,
        "objection": decision.objection_deadline if decision else None,
    }


@dataclass(frozen=True)
class ClaimFacts:
    """A claim with what follows from it (its deadlines, the farmer's warnings), worked out
    here once, so that an answer's schema only reads values. Attributes not named here are the
    claim's own."""

    claim: Claim
    deadlines: dict[str, date | None]
    warnings: list[dict[str, str]]

    def __getattr__(self, name: str) -> Any:
        if name == "claim":  # asked before it is set (copy, pickle): no endless recursion
            raise AttributeError(name)
        return getattr(self.claim, name)


def with_facts(claim: Claim) -> ClaimFacts:
    """The claim and its facts, as GET /api/v1/claims/{id} and every claim answer show them."""
    return ClaimFacts(claim, deadlines(claim), warnings(claim))


def submit_claim(claim: Claim, actor: User, *, acknowledge_late: bool = False) -> Claim:
    """Submit a draft: leges due → awaiting_payment, no leges → submitted (receipt follows)."""
    if claim.status != ClaimStatus.DRAFT:
        raise Conflict(_("Alleen een concept kan worden ingediend."))
    parcels, data = _validated(db.session.get(FarmerProfile, claim.farmer_id), _as_data(claim))
    # The area types as the map stands when the claim is submitted (layers for the day of
    # discovery may have been published since the draft was saved).
    _derive_components(claim, data["parcels"], parcels)
    late = is_late(claim)
    if late and not acknowledge_late:
        raise Conflict(
            _(
                "De termijn was %(day)s. Een te late aanvraag wordt afgewezen. Bevestig dat u "
                "toch wilt indienen.",
                day=f"{claim.submission_deadline:%d-%m-%Y}",
            ),
            code="late_submission",
            fields={"acknowledge_late": [_("Bevestig dat u te laat indient.")]},
        )
    _record_areas(claim, actor)
    claim.submitted_at = utcnow()
    claim.backstop_deadline = rules.awb_backstop(today())
    claim.leges = _rule_set(claim.province, claim.discovered_on).leges.amount
    if claim.leges > Decimal("0"):
        workflow.transition(claim, ClaimStatus.AWAITING_PAYMENT, actor, data={"late": late})
    else:
        workflow.transition(claim, ClaimStatus.SUBMITTED, actor, data={"late": late})
        on_received(claim, actor)
    return claim


def withdraw_claim(claim: Claim, actor: User, reason: str | None = None) -> Claim:
    """The farmer withdraws; an open leges payment is cancelled."""
    workflow.transition(claim, ClaimStatus.WITHDRAWN, actor, reason=reason or None)
    cancel_open_payments(claim)
    return claim
