"""Plain-value letter contexts built from the database: no ORM object reaches a template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select

from faunaschade.clock import local_day, today
from faunaschade.documents.assessment_letters import assessment_confirmation, completion_request
from faunaschade.documents.decision_context import decision_letter
from faunaschade.documents.delay_context import delay_notice
from faunaschade.documents.letterhead import PostalAddress, Sender, Signatory, province_letters
from faunaschade.documents.livestock_letters import livestock_confirmation, livestock_decision
from faunaschade.documents.objection_context import objection_letter
from faunaschade.documents.penalty_context import penalty_letter
from faunaschade.extensions import db
from faunaschade.models import (
    Claim,
    ClaimKind,
    ClaimStatus,
    Decision,
    FarmerProfile,
    Letter,
    LetterKind,
    PenaltyDecision,
)
from faunaschade.models.authorisations import representatives_of
from faunaschade.provinces import PROVINCES
from faunaschade.rules import catalogue

#: Letters are dated in Dutch time.

#: Letter code in the kenmerk, e.g. FS-2025-000123-O1 for the first receipt.
KIND_CODES: dict[LetterKind, str] = {
    LetterKind.RECEIPT: "O",
    LetterKind.COMPLETION_REQUEST: "A",
    LetterKind.ASSESSMENT_CONFIRMATION: "T",
    LetterKind.DELAY_NOTICE: "V",
    LetterKind.DECISION: "B",
    LetterKind.OBJECTION_DECISION: "BB",
    LetterKind.PENALTY_DECISION: "D",
    LetterKind.OBJECTION_RECEIPT: "OB",
    LetterKind.HEARING_INVITATION: "H",
    LetterKind.OBJECTION_EXTENSION: "VB",
}

#: Dutch name of each letter, also used in download file names.
KIND_TITLES: dict[LetterKind, str] = {
    LetterKind.RECEIPT: "ontvangstbevestiging",
    LetterKind.COMPLETION_REQUEST: "verzoek om aanvulling",
    LetterKind.ASSESSMENT_CONFIRMATION: "bevestiging taxatie",
    LetterKind.DELAY_NOTICE: "verdagingsbericht",
    LetterKind.DECISION: "besluit",
    LetterKind.OBJECTION_DECISION: "beslissing op bezwaar",
    LetterKind.PENALTY_DECISION: "beschikking dwangsom",
    LetterKind.OBJECTION_RECEIPT: "ontvangstbevestiging bezwaar",
    LetterKind.HEARING_INVITATION: "uitnodiging hoorzitting",
    LetterKind.OBJECTION_EXTENSION: "verdaging beslissing op bezwaar",
}


@dataclass(frozen=True)
class Addressee:
    """The applicant as printed in the envelope window."""

    name: str  #: Legal or business name.
    address: str  #: Street and number.
    postcode: str  #: "1234 AB".
    city: str  #: Town.
    kvk: str  #: KvK number, 8 digits.


@dataclass(frozen=True)
class Common:
    """What every letter carries."""

    kind: str  #: LetterKind value.
    title: str  #: Dutch name of the letter.
    province_code: str  #: Two-letter province code.
    province_name: str  #: "Fryslân".
    on_behalf: str  #: "namens Gedeputeerde Staten van Fryslân".
    sender: Sender  #: Sender block and contact line (the province's settings).
    signatory: Signatory  #: Signs "namens Gedeputeerde Staten" (the province's settings).
    objection_address: PostalAddress  #: Where a bezwaarschrift goes (the province's settings).
    addressee: Addressee  #: Window-envelope address.
    reference: str  #: Claim reference (aanvraagnummer).
    kenmerk: str  #: Letter reference, e.g. FS-2025-000123-O1.
    dagtekening: date  #: Date of the letter (Europe/Amsterdam).
    version: int  #: Letter version (1, or more after regeneration).
    #: Representatives (gemachtigden) who get a copy: "Afschrift aan" under the letter.
    copy_to: tuple[str, ...] = ()
    #: The public page where anyone checks the letter's signature (PUBLIC_BASE_URL).
    verify_url: str = "https://faunaschade.example/brieven/controleren"


@dataclass(frozen=True)
class ParcelLine:
    """A damaged parcel as named in the claim."""

    name: str  #: The farmer's name for the parcel.
    area_type: str  #: Dutch name of the area type.
    damaged_area_ha: Decimal  #: Damaged area as claimed (ha).


@dataclass(frozen=True)
class Receipt:
    """Ontvangstbevestiging (Awb 4:3a)."""

    received_on: date | None  #: Day the claim was received (submitted).
    discovered_on: date  #: Day the damage was discovered.
    livestock: bool  #: Livestock (wolf) claim instead of crop damage.
    crop: str | None  #: Dutch crop name; None for livestock.
    species: tuple[str, ...]  #: Dutch names of the damaging species.
    parcels: tuple[ParcelLine, ...]  #: Damaged parcels.
    submission_deadline: date | None  #: Last day to submit in time.
    leges: Decimal  #: Leges due for this claim.
    leges_outstanding: bool  #: The claim still waits for the leges payment.
    backstop_deadline: date | None  #: Awb 4:13 term: decision or delay notice before it.


def kenmerk(reference: str, kind: LetterKind, version: int) -> str:
    """The letter's reference: claim reference, letter code and version."""
    return f"{reference}-{KIND_CODES[kind]}{version}"


def _letter_kenmerk(letter: Letter, claim: Claim) -> str:
    # A decision letter carries the decision's own kenmerk; a deliberate re-render adds /version.
    if letter.decision_id is not None:
        decision = db.session.get(Decision, letter.decision_id)
        return decision.kenmerk + (f"/{letter.version}" if letter.version > 1 else "")
    if letter.kind == LetterKind.PENALTY_DECISION:  # the penalty decision's own kenmerk
        made = db.session.scalar(
            select(PenaltyDecision.kenmerk)
            .where(PenaltyDecision.claim_id == claim.id)
            .order_by(PenaltyDecision.id.desc())
        )
        return f"{made}" + (f"/{letter.version}" if letter.version > 1 else "")
    return kenmerk(claim.reference, letter.kind, letter.version)


def letter_kenmerk(letter: Letter) -> str:
    """The kenmerk printed on a letter (a decision letter's is its decision's)."""
    claim = db.session.get(Claim, letter.claim_id)
    if claim is None:
        raise LookupError(f"letter {letter.id} has no claim")
    return _letter_kenmerk(letter, claim)


def _common(letter: Letter, claim: Claim) -> Common:
    profile = db.session.get(FarmerProfile, claim.farmer_id)
    if profile is None:
        raise LookupError(f"claim {claim.id} has no farmer profile")
    province = PROVINCES[claim.province]
    settings = province_letters(
        claim.province,
        current_app.config.get("LETTER_PROVINCES", {}),
        current_app.config.get("LETTER_SENDER", {}),
    )
    return Common(
        kind=letter.kind.value,
        title=KIND_TITLES[letter.kind],
        province_code=claim.province,
        province_name=province,
        on_behalf=f"namens Gedeputeerde Staten van {province}",
        sender=settings.sender,
        signatory=settings.signatory,
        objection_address=settings.objection_address,
        addressee=Addressee(
            name=profile.name,
            address=profile.address,
            postcode=profile.postcode,
            city=profile.city,
            kvk=profile.kvk,
        ),
        reference=claim.reference,
        kenmerk=_letter_kenmerk(letter, claim),
        dagtekening=today(),
        version=letter.version,
        copy_to=tuple(
            user.display_name for user in representatives_of(claim.farmer_id, claim.id, today())
        ),
        verify_url=verify_url(),
    )


def verify_url() -> str:
    """Where the public checks a letter: /brieven/controleren under PUBLIC_BASE_URL."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}/brieven/controleren"


def _name(lookup: Callable[[str], Any], code: str) -> str:
    # Unknown codes (older claims, a catalogue being extended) are shown as they are.
    try:
        return str(lookup(code).name_nl)
    except KeyError:
        return code


def _receipt(letter: Letter, claim: Claim) -> Receipt:
    parcels = tuple(
        ParcelLine(
            name=line.parcel.name,
            area_type=catalogue.AREA_TYPES.get(line.area_type.value, line.area_type.value),
            damaged_area_ha=line.damaged_area_ha,
        )
        for line in sorted(claim.parcels, key=lambda line: line.id)
    )
    received = local_day(claim.submitted_at) if claim.submitted_at else None
    return Receipt(
        received_on=received,
        discovered_on=claim.discovered_on,
        livestock=claim.kind == ClaimKind.LIVESTOCK,
        crop=_name(catalogue.crop, claim.crop) if claim.crop else None,
        species=tuple(sorted(_name(catalogue.species, s.species) for s in claim.species)),
        parcels=parcels,
        submission_deadline=claim.submission_deadline,
        leges=claim.leges,
        leges_outstanding=claim.status == ClaimStatus.AWAITING_PAYMENT,
        backstop_deadline=claim.backstop_deadline,
    )


#: Letter kinds this module can fill, with the builder of their specific part.
BUILDERS: dict[LetterKind, Callable[[Letter, Claim], Any]] = {LetterKind.RECEIPT: _receipt}
BUILDERS[LetterKind.DECISION] = BUILDERS[LetterKind.OBJECTION_DECISION] = decision_letter
BUILDERS[LetterKind.DELAY_NOTICE] = delay_notice
BUILDERS[LetterKind.COMPLETION_REQUEST] = completion_request
BUILDERS[LetterKind.ASSESSMENT_CONFIRMATION] = assessment_confirmation
BUILDERS[LetterKind.PENALTY_DECISION] = penalty_letter

for _kind in (
    LetterKind.OBJECTION_RECEIPT,
    LetterKind.HEARING_INVITATION,
    LetterKind.OBJECTION_EXTENSION,
):
    BUILDERS[_kind] = objection_letter


def template_for(kind: LetterKind) -> str:
    """The template file of a letter kind."""
    return f"letters/{kind.value}.html"


#: A livestock claim's letters that name its animals (the templates include their own wording
#: when `details.livestock` is there); its other letters are the crop claim's.
LIVESTOCK_BUILDERS: dict[LetterKind, Callable[[Letter, Claim], Any]] = {
    LetterKind.ASSESSMENT_CONFIRMATION: livestock_confirmation,
    LetterKind.DECISION: livestock_decision,
    LetterKind.OBJECTION_DECISION: livestock_decision,
}


def build_context(letter: Letter) -> dict[str, Any]:
    """Everything the letter's template needs, as plain values."""
    if letter.kind not in BUILDERS:
        raise NotImplementedError(f"no letter context for kind {letter.kind.value!r} yet")
    claim = db.session.get(Claim, letter.claim_id)
    if claim is None:
        raise LookupError(f"letter {letter.id} has no claim")
    builders = LIVESTOCK_BUILDERS if claim.kind == ClaimKind.LIVESTOCK else {}
    builder = builders.get(letter.kind, BUILDERS[letter.kind])
    return {"letter": _common(letter, claim), "details": builder(letter, claim)}
