"""The demo's fixed stories (`flask demo seed`): one of each feature of issues 15–17, for the
demo farmer, so that `make run` shows them.

On top of the N generated claims (which belong to generated farmers), the demo farmer
(boer@demo.faunaschade.nl, Joure) gets parcels with outlines in and across the illustrative
Fryslân layers, a representative (gemachtigde), two meldingen (one turned into a claim), a claim
in objection with a hearing planned, a late claim with a notice of default, a claim decided late
with its penalty decision, autotax registrations and a run; the admin gets an inactive event
subscriber; a signed audit checkpoint ends it. Every step goes through the use cases, now, so
the audit log, the letters and the e-mails are what the service itself writes. Where a story
needs the past (a decision term that has run out, a notice received weeks ago, a registration
made before its deadline), the claim's dates are moved back after its steps, as the generated
claims are written with their dates (seed/story.py); the audit events keep the moment they were
recorded.

The stories are told once: when the demo farmer has parcels, nothing is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from shapely.geometry import box
from sqlalchemy import select

from faunaschade import rules
from faunaschade.assessments import operations as assessments
from faunaschade.assessments import zienswijze
from faunaschade.audit import checkpoints
from faunaschade.autotax import registrations, runs
from faunaschade.claims import leges
from faunaschade.claims import operations as claims
from faunaschade.clock import AMSTERDAM, damage_year, local_day, today
from faunaschade.decisions import objections, penalties
from faunaschade.decisions import operations as decisions
from faunaschade.events import subscribers
from faunaschade.events.types import EVENT_TYPES
from faunaschade.extensions import db
from faunaschade.farmers import authorisations
from faunaschade.farmers import operations as farmers
from faunaschade.gis.geometry import geojson_area_ha, rd_geojson
from faunaschade.models import (
    Assessment,
    Claim,
    FarmerProfile,
    Parcel,
    Payment,
    PaymentStatus,
    User,
)
from faunaschade.reports import operations as reports
from faunaschade.rules import autotax as autotax_tables
from faunaschade.schemas.assessments import ReportSchema
from faunaschade.schemas.authorisations import AuthorisationInSchema
from faunaschade.schemas.claims import ClaimCreateSchema
from faunaschade.schemas.events import SubscriberInSchema
from faunaschade.schemas.farmers import ParcelSchema
from faunaschade.schemas.reports import ReportCreateSchema

FARMER = "boer@demo.faunaschade.nl"
REPRESENTATIVE = "gemachtigde@demo.faunaschade.nl"
ASSESSOR = "taxateur@demo.faunaschade.nl"
OFFICER_A = "behandelaar-a@demo.faunaschade.nl"
OFFICER_B = "behandelaar-b@demo.faunaschade.nl"
ADMIN = "beheerder@demo.faunaschade.nl"
PROVINCE = "FR"
#: A receiver that does not exist (example.org is reserved, RFC 2606): the subscriber is
#: inactive besides, so `make run` sends nothing.
SUBSCRIBER_URL = "https://zaaksysteem.example.org/faunaschade/events"
HEARING_PLACE = "Provinsjehûs, Tweebaksmarkt 52, Leeuwarden"


def _outline(x: float, y: float, width: float, height: float) -> dict[str, Any]:
    """A rectangle in RD New from its south-west corner, in metres, as a parcel's outline."""
    return rd_geojson(box(x, y, x + width, y + height))


#: The demo farmer's parcels (name, outline, crop), against the illustrative FR layers
#: (gis/data): the foraging area "Noord" runs x 178–186 km, y 575–583 km (RD New), Natura 2000
#: x 184–190 km, y 580–586 km.
PARCELS = (
    # Wholly in the foraging area: every hectare is foerageergebied.
    ("Greidhoeke", _outline(179_000, 576_000, 300, 200), "blijvend_grasland"),
    # Across the foraging area's east edge (x 186 km): half foerageergebied, half regular.
    ("Dykstik", _outline(185_800, 577_000, 400, 150), "blijvend_grasland"),
    # In the foraging area and Natura 2000 where they meet, partly in Natura 2000 only.
    ("Mieden", _outline(185_800, 581_000, 400, 100), "blijvend_grasland"),
    # Near Joure, on no layer: regular, checked on the map.
    ("Kleiakker", _outline(186_000, 552_000, 250, 120), "blijvend_grasland"),
)


@dataclass
class Told:
    """What the stories wrote (printed by `flask demo seed`, asserted by its test)."""

    parcels: int = 0
    claims: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def seed_stories() -> Told | None:
    """Tell every story once (None when the demo farmer already has parcels); commits."""
    people = _people()
    if people is None:
        return None
    farmer, profile = people["farmer"], people["profile"]
    if db.session.scalar(select(Parcel.id).where(Parcel.farmer_id == profile.id).limit(1)):
        return None
    told = Told()
    # The test payment provider names its page with url_for: a request context, as on the site.
    with current_app.test_request_context("/"):
        parcels = _parcels(profile, farmer, told)
        _representative(profile, people, told)
        _meldingen(profile, people, parcels, told)
        _objection_with_hearing(profile, people, parcels, told)
        _notice_of_default(profile, people, parcels, told)
        _penalty_decision(profile, people, parcels, told)
        _autotax(profile, people, parcels, told)
        _subscriber(people, told)
        _checkpoint(told)
    return told


def _people() -> dict[str, Any] | None:
    emails = {
        "farmer": FARMER,
        "representative": REPRESENTATIVE,
        "assessor": ASSESSOR,
        "a": OFFICER_A,
        "b": OFFICER_B,
        "admin": ADMIN,
    }
    found = {
        key: db.session.scalar(select(User).where(User.email == email))
        for key, email in emails.items()
    }
    if any(user is None for user in found.values()):
        return None
    found["profile"] = db.session.scalar(
        select(FarmerProfile).where(FarmerProfile.user_id == found["farmer"].id)
    )
    return found if found["profile"] is not None else None


def _parcels(profile: FarmerProfile, farmer: User, told: Told) -> dict[str, Parcel]:
    made = {}
    for name, outline, crop in PARCELS:
        body = ParcelSchema().load(
            {"name": name, "crop": crop, "tenure": "own", "province": PROVINCE, "geometry": outline}
            | {"area_ha": str(geojson_area_ha(outline))}
        )
        made[name] = farmers.add_parcel(profile, body, farmer)
    told.parcels = len(made)
    db.session.commit()
    return made


def _representative(profile: FarmerProfile, people: dict[str, Any], told: Told) -> None:
    """The demo farmer authorises the demo representative for all claims, from today."""
    authorisations.grant(
        profile, AuthorisationInSchema().load({"email": REPRESENTATIVE}), people["farmer"]
    )
    db.session.commit()
    told.lines.append(f"machtiging: {FARMER} → {REPRESENTATIVE} (alle aanvragen)")


def _meldingen(
    profile: FarmerProfile, people: dict[str, Any], parcels: dict[str, Parcel], told: Told
) -> None:
    """A melding by the farmer; one by the representative for the farmer, turned into a claim."""
    first = reports.create_report(
        profile,
        ReportCreateSchema().load(
            {
                "discovered_on": (today() - timedelta(days=12)).isoformat(),
                "species": ["brandgans", "grauwe_gans"],
                "parcels": [
                    {
                        "parcel_id": parcels["Greidhoeke"].id,
                        "damaged_area_ha": "3.5",
                        "area_type": "foerageergebied",
                    }
                ],
                "estimated_damage": "1250.50",
                "note": "Grote groepen ganzen op het land; geen aanvraag, wel gemeld.",
            }
        ),
        people["farmer"],
    )
    second = reports.create_report(
        profile,
        ReportCreateSchema().load(
            {
                "discovered_on": (today() - timedelta(days=2)).isoformat(),
                "species": ["grauwe_gans"],
                "parcels": [
                    {
                        "parcel_id": parcels["Kleiakker"].id,
                        "damaged_area_ha": "1.2",
                        "area_type": "regular",
                    }
                ],
                "estimated_damage": "640.00",
                "note": "Gemeld door de gemachtigde.",
            }
        ),
        people["representative"],
    )
    claim = reports.convert_report(second, people["representative"])
    db.session.commit()
    told.reports += [first.reference, second.reference]
    told.claims.append(claim.reference)
    told.lines.append(f"meldingen: {first.reference}, {second.reference} → {claim.reference}")


def _claim(
    profile: FarmerProfile,
    actor: User,
    parcel: Parcel,
    damaged: str,
    discovered_days_ago: int,
    species: str = "grauwe_gans",
) -> Claim:
    """A crop claim on one parcel (the map gives its area types), submitted with leges paid."""
    body = ClaimCreateSchema().load(
        {
            "discovered_on": (today() - timedelta(days=discovered_days_ago)).isoformat(),
            "species": [species],
            "parcels": [{"parcel_id": parcel.id, "damaged_area_ha": damaged}],
            "preventive_measures": ["acoustic", "visual"],
            "description": "Ganzen grazen het gras tot op de zode af.",
        }
    )
    body.pop("farmer_id", None)
    claim = claims.create_claim(profile, body, actor)
    claims.submit_claim(claim, actor)
    payment, _page = leges.start_payment(claim, actor)
    leges.confirm_payment(payment, PaymentStatus.PAID)
    return claim


def _assessed(claim: Claim, people: dict[str, Any], kg_per_ha: int = 2400) -> None:
    """Officer A orders the assessment; the assessor reports one line per component (the map's
    split) and submits; the farmer agrees, which closes the zienswijze window."""
    assessment = assessments.order_assessment(claim, people["a"], ASSESSOR)
    lines = [
        {
            "parcel_id": part.parcel_id,
            "species": claim.species[0].species,
            "area_type": part.area_type.value,
            "damaged_area_ha": str(part.damaged_area_ha),
            "lost_quantity": str((part.damaged_area_ha * kg_per_ha).quantize(Decimal("1"))),
            "unit": "kg_ds",
            "unit_price": "0.2500",
            "price_source": "bij12",
            "harvested_before_assessment": False,
        }
        for part in claim.parcels
    ]
    report = ReportSchema().load(
        {
            "visits": [{"date": today().isoformat(), "remarks": "Vraatschade, ganzen aanwezig."}],
            "lines": lines,
            "preventive_measures_observed": ["acoustic", "visual"],
            "remarks": "Schade vastgesteld op de delen van het perceel volgens de kaart.",
        }
    )
    assessments.save_report(assessment, report, people["assessor"])
    assessments.submit_report(assessment, people["assessor"])
    zienswijze.accept_assessment(claim, people["farmer"])


def _decided(claim: Claim, people: dict[str, Any]) -> None:
    """Officer A proposes, officer B approves (four eyes)."""
    proposal = decisions.propose_decision(
        claim, people["a"], motivation="Conform het taxatierapport."
    )
    decisions.approve_proposal(proposal, people["b"])


def _objection_with_hearing(
    profile: FarmerProfile, people: dict[str, Any], parcels: dict[str, Parcel], told: Told
) -> None:
    """A claim on the parcel across the foraging area's edge, decided; the representative
    objects for the farmer and officer A plans the hearing in two weeks."""
    claim = _claim(profile, people["farmer"], parcels["Dykstik"], "4.0", discovered_days_ago=5)
    _assessed(claim, people)
    _decided(claim, people)
    objections.file_objection(
        claim,
        people["representative"],
        "Namens de aanvrager: de schade op het deel buiten het foerageergebied is te laag "
        "getaxeerd.",
    )
    day = today() + timedelta(days=14)
    at = datetime.combine(day, time(10, 0), tzinfo=AMSTERDAM).astimezone(UTC)
    objections.schedule_hearing(claim, people["a"], at, place=HEARING_PLACE)
    db.session.commit()
    told.claims.append(claim.reference)
    told.lines.append(f"bezwaar met hoorzitting op {day:%d-%m-%Y}: {claim.reference}")


def _moved_back(claim: Claim, days: int) -> None:
    """The claim's steps so far happened `days` days earlier (its dates, not its audit events):
    discovery, submission and its deadlines, the leges payment, the assessment."""
    shift = timedelta(days=days)
    claim.discovered_on -= shift
    claim.submission_deadline = rules.submission_deadline(claim.discovered_on)
    claim.created_at -= shift
    claim.submitted_at -= shift
    claim.backstop_deadline = rules.awb_backstop(local_day(claim.submitted_at))
    for name in ("decision_target", "zienswijze_deadline", "completion_deadline"):
        if getattr(claim, name) is not None:
            setattr(claim, name, getattr(claim, name) - shift)
    for payment in db.session.scalars(select(Payment).where(Payment.claim_id == claim.id)):
        payment.created_at -= shift
        if payment.paid_at is not None:
            payment.paid_at -= shift
    for assessment in db.session.scalars(select(Assessment).where(Assessment.claim_id == claim.id)):
        assessment.due_on -= shift
        if assessment.submitted_at is not None:
            assessment.submitted_at -= shift
        for visit in assessment.visits:
            visit.visited_on -= shift
    db.session.flush()


def _notice_of_default(
    profile: FarmerProfile, people: dict[str, Any], parcels: dict[str, Parcel], told: Told
) -> None:
    """A claim submitted 75 days ago, still waiting for its assessment: the decision term
    ended 19 days ago, and the farmer sends the notice of default today (the dwangsom runs
    from 15 days later; the claim is first in the officers' queue)."""
    claim = _claim(profile, people["farmer"], parcels["Greidhoeke"], "5.0", discovered_days_ago=2)
    assessments.order_assessment(claim, people["a"], ASSESSOR)
    _moved_back(claim, 75)
    notice = penalties.send_default_notice(claim, people["farmer"])
    db.session.commit()
    told.claims.append(claim.reference)
    told.lines.append(
        f"ingebrekestelling: {claim.reference} (dwangsom vanaf {notice.first_penalty_day:%d-%m-%Y})"
    )


def _penalty_decision(
    profile: FarmerProfile, people: dict[str, Any], parcels: dict[str, Parcel], told: Told
) -> None:
    """A claim submitted 100 days ago, assessed; the notice of default was received 30 days
    ago, so today's decision comes with a penalty decision (dwangsom) for 15 days."""
    claim = _claim(profile, people["farmer"], parcels["Mieden"], "3.0", discovered_days_ago=2)
    _assessed(claim, people)
    _moved_back(claim, 100)
    notice = penalties.send_default_notice(claim, people["farmer"])
    # Received 30 days ago (the term had ended 14 days before that): the penalty runs from
    # 15 days after receipt up to the day before the decision.
    notice.received_on = today() - timedelta(days=30)
    notice.first_penalty_day = notice.received_on + timedelta(days=15)
    notice.term_ends_on = claim.backstop_deadline
    claim.penalty_from = notice.first_penalty_day
    db.session.flush()
    _decided(claim, people)
    db.session.commit()
    told.claims.append(claim.reference)
    told.lines.append(f"dwangsombeschikking: {claim.reference}-D1")


@contextmanager
def _registering_on(day: date) -> Iterator[None]:
    """Register as the farmer did on `day` (the registration checks its deadline by today)."""
    original = registrations.today
    registrations.today = lambda: day
    try:
        yield
    finally:
        registrations.today = original


def _autotax(
    profile: FarmerProfile, people: dict[str, Any], parcels: dict[str, Parcel], told: Told
) -> None:
    """The parcels in the foraging area registered for autotax: for the damage year whose
    registration is open, and for the last one whose deadline has passed (registered a month
    before it), which officer A then runs with the demo assessor for the sample."""
    outlined = [parcels["Greidhoeke"].id, parcels["Dykstik"].id]
    open_year = min(
        (s.damage_year for s in registrations.open_seasons() if s.province == PROVINCE),
        default=None,
    )
    if open_year is not None:
        registrations.register(
            profile,
            {"province": PROVINCE, "damage_year": open_year, "parcel_ids": outlined},
            people["farmer"],
        )
        told.lines.append(f"autotax: aangemeld voor schadejaar {open_year}")
    year = damage_year(today())
    if today() <= autotax_tables.terms_for(PROVINCE, year).deadline(year):
        year -= 1
    try:
        deadline = autotax_tables.terms_for(PROVINCE, year).deadline(year)
    except Exception:  # no autotax table for that year: no run to show
        db.session.commit()
        return
    registered_on = deadline - timedelta(days=30)
    with _registering_on(registered_on):
        made = registrations.register(
            profile,
            {"province": PROVINCE, "damage_year": year, "parcel_ids": outlined},
            people["farmer"],
        )
    for registration in made:
        registration.created_at = datetime.combine(
            registered_on, time(9, 30), tzinfo=AMSTERDAM
        ).astimezone(UTC)
    run = runs.start_run(
        runs.RunParameters(PROVINCE, year, seed=2026, assessor_email=ASSESSOR), people["a"]
    )
    db.session.commit()
    told.claims += [row.claim.reference for row in run.claims]
    told.lines.append(f"autotax: ronde {run.id} voor schadejaar {year}")


def _subscriber(people: dict[str, Any], told: Told) -> None:
    """The admin's subscriber: a province's case system, inactive (nothing is sent)."""
    subscriber, _secret = subscribers.create_subscriber(
        SubscriberInSchema().load(
            {
                "name": "Zaaksysteem provincie (demo, niet actief)",
                "url": SUBSCRIBER_URL,
                "event_types": sorted(EVENT_TYPES),
                "active": False,
            }
        ),
        people["admin"],
    )
    db.session.commit()
    told.lines.append(f"koppeling (niet actief): {subscriber.url}")


def _checkpoint(told: Told) -> None:
    checkpoint, _new = checkpoints.write_checkpoint()
    db.session.commit()
    if checkpoint is not None:
        told.lines.append(f"audit checkpoint: seq {checkpoint.seq}, ondertekend")
