"""The claim page's decision forms refused (issue 14): the claim page again in the same answer,
every problem at once inside the section, what the officer typed kept."""

import re

import pytest
from sqlalchemy import func, select

from faunaschade.decisions.operations import propose_decision
from faunaschade.models import Proposal
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.decisions import assessed_claim


@pytest.fixture
def world(app, session, make_user):
    farmer, assessor = make_user("farmer"), make_user("assessor")
    a = make_user("officer", provinces=("DR",))
    b = make_user("officer", provinces=("DR",))
    claim = assessed_claim(session, farmer, a, assessor)
    return claim, a, b


def _web(app, user):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    return client


def _post(client, claim, path, data):
    token = csrf_token_from(client.get(f"/aanvragen/{claim.id}").get_data(as_text=True))
    return client.post(f"/aanvragen/{claim.id}/{path}", data={**data, "csrf_token": token})


def _summary(html: str, summary_id: str) -> str:
    start = html.index(f'id="{summary_id}"')
    return html[start : html.index("</div>", start)]


def test_a_rejection_without_reasons_and_a_reduction_without_motivation_in_one_round(
    app, session, world
):
    claim, a, _ = world
    answer = _post(_web(app, a), claim, "voorstel", {"decision": "reject", "reduction_pct": "10"})
    # The rules engine finds no reason to reject this claim, so the officer must give one.
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    summary = _summary(html, "voorstel-errors")
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary) == [
        ("f-reason-" + re.search(r'id="f-reason-([a-z_]+)"', html)[1], "Redenen bij afwijzen"),
        ("f-motivation", "Motivering"),
    ]
    assert html.index('id="besluit"') < html.index('id="voorstel-errors"')
    assert 'id="f-decision-reject" name="decision" value="reject" checked' in html
    assert 'name="reduction_pct" value="10"' in html
    assert session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_a_reduction_out_of_range_is_named_with_the_missing_motivation(app, world):
    claim, a, _ = world
    answer = _post(_web(app, a), claim, "voorstel", {"reduction_pct": "150", "motivation": ""})
    html = answer.get_data(as_text=True)
    summary = _summary(html, "voorstel-errors")
    assert "Korting (%)" in summary and "Motiveer de korting." in summary
    assert 'name="reduction_pct" value="150"' in html


def test_a_form_the_claim_moved_past_still_shows_its_refusal_in_the_section(app, session, world):
    claim, a, b = world
    browser_b = _web(app, b)
    page = browser_b.get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    token = csrf_token_from(page)
    propose_decision(claim, a)  # meanwhile officer A proposes: B's propose form is stale
    session.flush()
    answer = browser_b.post(
        f"/aanvragen/{claim.id}/voorstel",
        data={"csrf_token": token, "motivation": "Conform taxatie."},
    )
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    assert "kan geen besluit worden voorgesteld" in _summary(html, "voorstel-errors")
    assert "Dit is niet gelukt" in _summary(html, "voorstel-errors")

    # And a send-back of a proposal that another officer already decided on.
    _post(_web(app, b), claim, "goedkeuren", {})
    gone = browser_b.post(
        f"/aanvragen/{claim.id}/terugsturen", data={"csrf_token": token, "reason": "Nee."}
    )
    assert gone.status_code == 409
    assert "geen openstaand voorstel" in _summary(gone.get_data(as_text=True), "terugsturen-errors")


def test_a_send_back_without_reason_keeps_the_page_and_marks_the_field(app, session, world):
    claim, a, b = world
    propose_decision(claim, a)
    session.flush()
    answer = _post(_web(app, b), claim, "terugsturen", {"reason": "  "})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "Geef aan waarom" in _summary(html, "terugsturen-errors")
    field = re.search(r'<textarea[^>]*id="f-reason"[^>]*>', html)[0]
    assert 'aria-invalid="true"' in field
