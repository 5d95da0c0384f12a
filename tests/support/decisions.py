"""Claims brought to `assessed` directly through the models, for the decision tests."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from faunaschade.accounts.users import create_user
from faunaschade.clock import today
from faunaschade.decisions import operations as decisions
from faunaschade.extensions import db
from faunaschade.models import (
    AreaType,
    Assessment,
    AssessmentLine,
    AssessmentStatus,
    Claim,
    ClaimKind,
    ClaimParcel,
    ClaimSpecies,
    ClaimStatus,
    FarmerProfile,
    Parcel,
    PriceSource,
    Role,
    Tenure,
    Unit,
)
from faunaschade.models.base import utcnow
from tests.support.app import DEMO_PASSWORD


def assessed_claim(
    session,
    farmer,
    officer,
    assessor,
    *,
    province="DR",
    species="wild_zwijn",
    crop="snijmais",
    damage=Decimal("3200.00"),
    measures=("acoustic", "visual"),
    discovered_on: date | None = None,
) -> Claim:
    """A submitted claim with one submitted assessment line and a closed zienswijze window."""
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    parcel = Parcel(
        farmer_id=profile.id, name="Es", area_ha=Decimal("5"), crop=crop, tenure=Tenure.OWN
    )
    session.add(parcel)
    session.flush()
    discovered = discovered_on or today() - timedelta(days=30)
    claim = Claim(
        # 9xxxxx: never one that a claim's INSERT gives itself from its id.
        reference=f"FS-{discovered.year}-9{parcel.id:05d}",
        farmer_id=profile.id,
        province=province,
        kind=ClaimKind.CROP,
        crop=crop,
        discovered_on=discovered,
        submitted_at=utcnow() - timedelta(days=28),
        preventive_measures=list(measures),
        status=ClaimStatus.ASSESSED,
        leges=Decimal("300.00"),
        submission_deadline=discovered + timedelta(days=9),
        zienswijze_deadline=today() - timedelta(days=1),
        species=[ClaimSpecies(species=species)],
        parcels=[
            ClaimParcel(
                parcel_id=parcel.id, damaged_area_ha=Decimal("1.0"), area_type=AreaType.REGULAR
            )
        ],
    )
    session.add(claim)
    session.flush()
    assessment = Assessment(
        claim_id=claim.id,
        assessor_id=assessor.id,
        ordered_by=officer.id,
        due_on=discovered + timedelta(days=14),
        status=AssessmentStatus.SUBMITTED,
        preventive_measures_observed=list(measures),
        submitted_at=utcnow(),
        lines=[
            AssessmentLine(
                parcel_id=parcel.id,
                species=species,
                area_type=AreaType.REGULAR,
                damaged_area_ha=Decimal("1.0"),
                lost_quantity=Decimal("16000"),
                unit=Unit.KG,
                unit_price=damage / 16000,
                price_source=PriceSource.KWIN,
                harvested_before_assessment=False,
                assessed_damage=damage,
            )
        ],
    )
    session.add(assessment)
    session.flush()
    return claim


def drenthe_people(
    *officers: str,
    farmer_name: str = "Boer",
    names: Mapping[str, str] | None = None,
    postcode: str = "1234 AB",
) -> dict:
    """A farmer with a profile, the named Drenthe officers and an assessor, in db.session;
    `names` gives users their names (key: as the users are keyed)."""
    specs = [
        ("farmer", Role.FARMER, ()),
        *((o, Role.OFFICER, ("DR",)) for o in officers),
        ("assessor", Role.ASSESSOR, ()),
    ]
    users = {
        n: create_user(f"{n}@example.nl", DEMO_PASSWORD, r, p, name=(names or {}).get(n, ""))
        for n, r, p in specs
    }
    db.session.add(
        FarmerProfile(
            user_id=users["farmer"].id,
            name=farmer_name,
            kvk="01234567",
            iban="NL91ABNA0417164300",
            address="Dijk 1",
            postcode=postcode,
            city="Assen",
        )
    )
    return users


def bakker_and_officers() -> dict:
    """The decision procedure's browser tests' people, named as their pages show them: Boer
    Bakker (Assen), Drenthe officers Anna A ("a") and Bert B ("b") and assessor T."""
    names = {"farmer": "Boer Bakker", "a": "Anna A", "b": "Bert B", "assessor": "T"}
    return drenthe_people("a", "b", farmer_name="Boer Bakker", names=names, postcode="9401 AA")


def decided_claim(users: dict) -> Claim:
    """An assessed claim of `users`' farmer (drenthe_people) that officer "a" proposed on and
    "b" approved: payout € 2.950,00, leges refund € 300,00."""
    claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
    proposal = decisions.propose_decision(claim, users["a"], motivation="Conform taxatie.")
    decisions.approve_proposal(proposal, users["b"])
    return claim


def decided_by_api(
    client, session, users: dict, tokens: dict, motivation: str = "Conform taxatie.", **options
) -> Claim:
    """An assessed claim of users["farmer"] (`options` as for assessed_claim) decided through
    the API: officer "a" proposes, "b" approves (`tokens`: their bearer headers)."""
    claim = assessed_claim(session, users["farmer"], users["a"], users["assessor"], **options)
    body = {"motivation": motivation}
    proposed = client.post(f"/api/v1/claims/{claim.id}/proposal", json=body, headers=tokens["a"])
    assert proposed.status_code == 201, proposed.json
    approved = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    assert approved.status_code == 200, approved.json
    session.expire_all()
    return claim


PAIN = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def pay_a_batch(client, tokens: dict) -> tuple[dict, dict[str, str]]:
    """Through the API officer "a" builds, "b" approves, "a" exports and marks paid a Drenthe
    batch: the batch, and its transfers from the pain.001 (end-to-end id → amount)."""
    built = client.post("/api/v1/payment-batches", json={"province": "DR"}, headers=tokens["a"])
    assert built.status_code == 201, built.json
    batch = built.json["id"]
    approved = client.post(f"/api/v1/payment-batches/{batch}/approve", headers=tokens["b"])
    assert approved.status_code == 200, approved.json
    exported = client.get(f"/api/v1/payment-batches/{batch}/pain001.xml", headers=tokens["a"])
    assert exported.status_code == 200
    info = ET.fromstring(exported.data).find("p:CstmrCdtTrfInitn/p:PmtInf", PAIN)
    transfers = {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=PAIN): tx.findtext(
            "p:Amt/p:InstdAmt", namespaces=PAIN
        )
        for tx in info.findall("p:CdtTrfTxInf", PAIN)
    }
    paid = client.post(f"/api/v1/payment-batches/{batch}/paid", headers=tokens["a"])
    assert paid.status_code == 200, paid.json
    return built.json, transfers


def post_json(url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    """POST a JSON body over real HTTP (as a bearer-token client); the status and the answer."""
    request = urllib.request.Request(url, data=json.dumps(body or {}).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
