"""The claim page's decision forms refused (issue 14): the claim page again in the same answer,
every problem at once inside the section, what the officer typed kept."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from faunaschade.clock import today
from faunaschade.decisions.operations import propose_decision
from faunaschade.models import Letter, Proposal
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


def test_an_approval_refused_shows_its_error_in_the_section_not_at_the_top(
    app, session, world, make_user
):
    """Issue 14: a refused approval was flashed at the top of the page, out of sight of the
    button at #besluit."""
    claim, a, b = world
    c = make_user("officer", provinces=("DR",))
    propose_decision(claim, a)
    session.flush()
    browser_b = _web(app, b)
    token = csrf_token_from(browser_b.get(f"/aanvragen/{claim.id}").get_data(as_text=True))
    page = _web(app, c).get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    # The approve form posts to its own errors, inside the decision section.
    form = re.search(r'<form[^>]*action="[^"]*/goedkeuren[^"]*"', page)[0]
    assert form.endswith('/goedkeuren#goedkeuren-errors"')
    assert _post(_web(app, c), claim, "goedkeuren", {}).status_code == 302

    answer = browser_b.post(f"/aanvragen/{claim.id}/goedkeuren", data={"csrf_token": token})
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    assert 'class="flash' not in html
    assert "geen openstaand voorstel" in _summary(html, "goedkeuren-errors")
    assert html.index('id="besluit"') < html.index('id="goedkeuren-errors"')


def test_approving_ones_own_proposal_is_refused_in_the_section(app, session, world):
    claim, a, _ = world
    propose_decision(claim, a)
    session.flush()
    answer = _post(_web(app, a), claim, "goedkeuren", {})
    assert answer.status_code == 403
    assert "vier-ogenprincipe" in _summary(answer.get_data(as_text=True), "goedkeuren-errors")


@pytest.fixture
def overdue(session, world):
    """The world's claim with its Awb backstop five days ahead: a delay notice is due."""
    claim, a, _ = world
    claim.backstop_deadline = today() + timedelta(days=5)
    session.flush()
    return claim, a


@pytest.mark.parametrize(
    ("typed", "message"),
    [("2001-01-01", "Kies een datum in de toekomst."), ("31-02-2030", "Geef een datum als")],
)
def test_a_refused_delay_notice_keeps_the_date_and_marks_the_field(
    app, session, overdue, typed, message
):
    """Issue 14: the delay notice's refusal was flashed at the top and the date typed lost."""
    claim, a = overdue
    answer = _post(_web(app, a), claim, "verdaging", {"expected_on": typed})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    summary = _summary(html, "verdaging-errors")
    assert '<a href="#f-expected_on">Besluit uiterlijk op</a>' in summary and message in summary
    assert html.index('id="besluit"') < html.index('id="verdaging-errors"')
    field = re.search(r'<input[^>]*id="f-expected_on"[^>]*>', html)[0]
    assert 'aria-invalid="true"' in field and f'value="{typed}"' in field
    assert "f-expected_on-error" in field
    form = re.search(r'<form[^>]*action="[^"]*/verdaging[^"]*"', html)[0]
    assert form.endswith('/verdaging#verdaging-errors"')
    assert session.scalar(select(func.count()).select_from(Letter)) == 0
