"""Role checks and scoped loaders: out-of-scope objects answer 404."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from faunaschade.access import (
    claims_in_scope,
    get_assessment_in_scope_or_404,
    get_claim_in_scope_or_404,
)
from faunaschade.errors import NotFound
from faunaschade.models import Assessment, Claim, ClaimKind, FarmerProfile


@pytest.fixture
def world(session, make_user):
    """Two farmers with a claim each (FR and NH), officers, an assessor, an auditor."""
    farmers = [make_user("farmer"), make_user("farmer")]
    claims = []
    for n, (farmer, province) in enumerate(zip(farmers, ("FR", "NH"), strict=True), start=1):
        profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
        claim = Claim(
            reference=f"FS-2025-00000{n}",
            farmer_id=profile.id,
            province=province,
            kind=ClaimKind.CROP,
            crop="blijvend_grasland",
            discovered_on=date(2025, 2, 3),
        )
        session.add(claim)
        claims.append(claim)
    session.flush()
    officer_fr = make_user("officer", provinces=("FR",))
    assessor = make_user("assessor")
    assessment = Assessment(
        claim_id=claims[0].id,
        assessor_id=assessor.id,
        ordered_by=officer_fr.id,
        due_on=date(2025, 2, 3) + timedelta(days=14),
    )
    session.add(assessment)
    session.flush()
    return {
        "farmers": farmers,
        "claims": claims,
        "officer_fr": officer_fr,
        "assessor": assessor,
        "other_assessor": make_user("assessor"),
        "auditor_all": make_user("auditor", all_provinces=True),
        "auditor_nh": make_user("auditor", provinces=("NH",)),
        "admin": make_user("admin"),
        "assessment": assessment,
    }


def _visible(session, user) -> set[str]:
    return {c.reference for c in session.scalars(claims_in_scope(user))}


def test_each_role_sees_exactly_its_scope(session, world):
    fr, nh = (c.reference for c in world["claims"])
    assert _visible(session, world["farmers"][0]) == {fr}
    assert _visible(session, world["farmers"][1]) == {nh}
    assert _visible(session, world["officer_fr"]) == {fr}
    assert _visible(session, world["assessor"]) == {fr}
    assert _visible(session, world["other_assessor"]) == set()
    assert _visible(session, world["auditor_all"]) == {fr, nh}
    assert _visible(session, world["auditor_nh"]) == {nh}
    assert _visible(session, world["admin"]) == set()


def test_out_of_scope_claim_is_not_found(world):
    fr_claim, nh_claim = world["claims"]
    assert get_claim_in_scope_or_404(fr_claim.id, world["farmers"][0]) is fr_claim
    for user in (world["farmers"][1], world["other_assessor"], world["auditor_nh"]):
        with pytest.raises(NotFound):
            get_claim_in_scope_or_404(fr_claim.id, user)
    with pytest.raises(NotFound):
        get_claim_in_scope_or_404(nh_claim.id, world["officer_fr"])
    with pytest.raises(NotFound):
        get_claim_in_scope_or_404(999_999, world["auditor_all"])


def test_assessment_only_for_its_assessor_and_the_province(world):
    assessment = world["assessment"]
    assert get_assessment_in_scope_or_404(assessment.id, world["assessor"]) is assessment
    assert get_assessment_in_scope_or_404(assessment.id, world["officer_fr"]) is assessment
    for user in (world["other_assessor"], world["auditor_nh"], world["farmers"][0]):
        with pytest.raises(NotFound):
            get_assessment_in_scope_or_404(assessment.id, user)


def test_pages_need_login_and_api_needs_a_token(client):
    assert client.get("/").headers["Location"].startswith("/login")
    assert client.get("/api/v1/me").status_code == 401
