"""Deadlines and amounts of the assessment: working days around holidays, cents, components."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from faunaschade.assessments import operations as assessments
from faunaschade.assessments import zienswijze
from faunaschade.claims import completion
from faunaschade.decisions import calculation
from faunaschade.documents import build_context, render_html, template_for
from faunaschade.errors import Conflict
from faunaschade.models import (
    AreaType,
    Claim,
    ClaimKind,
    ClaimParcel,
    ClaimSpecies,
    ClaimStatus,
    FarmerProfile,
    Letter,
    LetterKind,
    Parcel,
    Tenure,
)
from faunaschade.models.assessments import open_assessment
from faunaschade.rules import add_working_days, holidays, is_working_day, zienswijze_deadline


def test_zienswijze_window_skips_koningsdag_and_bevrijdingsdag():
    table = holidays(2026)
    assert table[date(2026, 4, 27)] == "Koningsdag"  # a Monday in 2026
    assert table[date(2026, 5, 5)] == "Bevrijdingsdag"
    confirmed = date(2026, 4, 24)  # Friday
    working = [
        date(2026, 4, 28),
        date(2026, 4, 29),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 5, 4),
        date(2026, 5, 6),
        date(2026, 5, 7),
        date(2026, 5, 8),
    ]
    assert all(is_working_day(day) for day in working)
    assert [add_working_days(confirmed, n) for n in range(1, 9)] == working
    assert zienswijze_deadline(confirmed) == date(2026, 5, 8)


@pytest.mark.parametrize(
    ("ordered", "urgent", "due"),
    [
        (date(2026, 4, 24), True, date(2026, 4, 29)),  # Koningsdag in between
        (date(2026, 4, 24), False, date(2026, 5, 12)),  # and Bevrijdingsdag
        (date(2026, 5, 13), True, date(2026, 5, 19)),  # Hemelvaart and the Friday after
        (date(2026, 12, 23), False, date(2027, 1, 8)),  # Christmas and New Year
    ],
)
def test_report_due_dates(ordered, urgent, due):
    assert assessments.due_date(ordered, urgent) == due


def test_completion_term_of_ten_working_days_over_christmas(session, ordered_claim, monkeypatch):
    claim, officer, _ = ordered_claim
    claim.status = ClaimStatus.SUBMITTED
    monkeypatch.setattr(completion, "today", lambda: date(2026, 12, 18))
    completion.request_completion(claim, officer, "Stuur de kaart.")
    assert claim.completion_deadline == date(2027, 1, 5)


@pytest.mark.parametrize(
    ("quantity", "price", "damage"),
    [
        ("1234.5", "0.1850", "228.38"),  # 228.3825
        ("0.125", "1", "0.13"),  # half-up, not half-even
        ("2.675", "1", "2.68"),  # exact in Decimal, 2.67 in binary floating point
        ("16000", "0.2000", "3200.00"),
    ],
)
def test_line_damage_is_quantity_times_price_half_up_to_cents(quantity, price, damage):
    assert assessments.line_damage(Decimal(quantity), Decimal(price)) == Decimal(damage)


@pytest.fixture
def ordered_claim(session, make_user):
    """A claim discovered on 20 April 2026 with an assessment ordered from an assessor."""
    farmer, officer = make_user("farmer"), make_user("officer", provinces=("GE",))
    assessor = make_user("assessor", name="Tim Taxateur")
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    parcel = Parcel(
        farmer_id=profile.id, name="Es", area_ha=Decimal("6"), crop="wintertarwe", tenure=Tenure.OWN
    )
    second = Parcel(
        farmer_id=profile.id,
        name="Kamp",
        area_ha=Decimal("4"),
        crop="wintertarwe",
        tenure=Tenure.OWN,
    )
    session.add_all([parcel, second])
    session.flush()
    claim = Claim(
        reference="FS-2026-000777",
        farmer_id=profile.id,
        province="GE",
        kind=ClaimKind.CROP,
        status=ClaimStatus.SUBMITTED,
        crop="wintertarwe",
        discovered_on=date(2026, 4, 20),
        submitted_at=datetime.fromisoformat("2026-04-21T08:00:00+00:00"),
        submission_deadline=date(2026, 4, 30),
        backstop_deadline=date(2026, 6, 16),
        preventive_measures=["acoustic", "visual"],
        species=[ClaimSpecies(species="grauwe_gans"), ClaimSpecies(species="kolgans")],
        parcels=[
            ClaimParcel(parcel_id=p.id, damaged_area_ha=Decimal("3"), area_type=AreaType.REGULAR)
            for p in (parcel, second)
        ],
    )
    session.add(claim)
    session.flush()
    assessments.order_assessment(claim, officer, assessor.email)
    return claim, officer, assessor


def _line(parcel_id, species, quantity, harvested=False):
    return {
        "parcel_id": parcel_id,
        "species": species,
        "area_type": "regular",
        "damaged_area_ha": Decimal("1"),
        "lost_quantity": Decimal(quantity),
        "unit": "kg",
        "unit_price": Decimal("1"),
        "price_source": "kwin",
        "harvested_before_assessment": harvested,
    }


def _report(claim, *lines):
    return {
        "visits": [{"date": date(2026, 4, 23), "remarks": ""}],
        "lines": list(lines),
        "preventive_measures_observed": ["acoustic", "visual"],
        "remarks": "",
    }


def test_submitting_before_koningsdag_opens_the_window_until_8_may(
    session, ordered_claim, monkeypatch
):
    claim, _, assessor = ordered_claim
    parcel_id = min(row.parcel_id for row in claim.parcels)
    assessment = open_assessment(claim)
    monkeypatch.setattr(assessments, "today", lambda: date(2026, 4, 24))
    assessments.save_report(
        assessment, _report(claim, _line(parcel_id, "kolgans", "950")), assessor
    )
    assessments.submit_report(assessment, assessor)
    assert claim.status == ClaimStatus.ASSESSED
    assert claim.zienswijze_deadline == date(2026, 5, 8)
    assert claim.decision_target == date(2026, 7, 3)  # 10 weeks after the report

    letter = session.scalar(select(Letter).where(Letter.kind == LetterKind.ASSESSMENT_CONFIRMATION))
    context = build_context(letter)
    assert context["details"].zienswijze_deadline == date(2026, 5, 8)
    html = render_html(template_for(letter.kind), context)
    assert "8 mei 2026" in html and "€ 950,00" in html and "Tim Taxateur" in html

    farmer = claim.farmer.user
    monkeypatch.setattr(zienswijze, "today", lambda: date(2026, 5, 11))
    with pytest.raises(Conflict, match="gesloten op 8 mei 2026"):
        zienswijze.submit_zienswijze(claim, farmer, "Te laat.")
    assert zienswijze.zienswijze_settled(claim, on=date(2026, 5, 11))
    monkeypatch.setattr(zienswijze, "today", lambda: date(2026, 5, 8))
    assert not zienswijze.zienswijze_settled(claim, on=date(2026, 5, 8))
    answer = zienswijze.submit_zienswijze(claim, farmer, "Net op tijd.")
    assert answer.assessment_id == assessment.id
    assert zienswijze.zienswijze_settled(claim, on=date(2026, 5, 8))


def test_lines_become_one_component_per_species_and_area_type(session, ordered_claim, monkeypatch):
    claim, _, assessor = ordered_claim
    pid, other = sorted(row.parcel_id for row in claim.parcels)
    assessment = open_assessment(claim)
    monkeypatch.setattr(assessments, "today", lambda: date(2026, 4, 24))
    lines = (
        _line(pid, "grauwe_gans", "1000"),
        {**_line(pid, "grauwe_gans", "500", harvested=True), "area_type": "natura2000"},
        {**_line(other, "grauwe_gans", "200"), "area_type": "natura2000"},
        _line(pid, "kolgans", "300", harvested=True),
    )
    assessments.save_report(assessment, _report(claim, *lines), assessor)
    assessments.submit_report(assessment, assessor)
    preview = calculation.calculation_preview(claim)
    components = {
        (c["species"], c["area_type"]): (c["assessed_damage"], c["harvested_before_assessment"])
        for c in preview["case"]["components"]
    }
    # A harvested line counts only when every line of its group is harvested (then excluded).
    assert components == {
        ("grauwe_gans", "natura2000"): ("200.00", False),
        ("grauwe_gans", "regular"): ("1000.00", False),
        ("kolgans", "regular"): ("300.00", True),
    }
    assert preview["assessed_damage"] == "1200.00"
    assert preview["eligible"] is True
    assert assessment.counted_total == Decimal("1200.00")
