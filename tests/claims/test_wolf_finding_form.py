"""The officer's wolf finding form refused (issue 14, as the proposal form): the claim page
again in the same answer, the errors inside the field-visit section with its summary, what
the officer typed kept; not a flash at the top of the page."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from faunaschade.claims.livestock import report_livestock_damage
from faunaschade.clock import AMSTERDAM, today
from faunaschade.models import FarmerProfile
from faunaschade.models.base import utcnow
from tests.support.app import DEMO_PASSWORD, csrf_token_from


@pytest.fixture
def wolf_claim(session, farmer, officer):
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    found = (utcnow() - timedelta(hours=3)).astimezone(AMSTERDAM)
    data = {"province": "DR", "discovered_at": found, "species": ["wolf"], "animals": 2}
    claim = report_livestock_damage(profile, {**data, "description": "Twee ooien."}, farmer)
    session.flush()
    return claim


def _post(app, officer, claim, data):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": officer.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    page = client.get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert f'action="/aanvragen/{claim.id}/dna-uitkomst#veldbezoek-errors"' in page
    token = csrf_token_from(page)
    return client.post(f"/aanvragen/{claim.id}/dna-uitkomst", data={**data, "csrf_token": token})


def _section(html: str) -> str:
    start = html.index('aria-labelledby="dna"')
    return html[start : html.index("</section>", start)]


def test_a_finding_without_a_visit_date_comes_back_inside_its_section(
    app, session, officer, wolf_claim
):
    typed = {"finding": "dog", "visited_on": "", "remarks": "Sporen van een hond."}
    answer = _post(app, officer, wolf_claim, typed)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    section = _section(html)
    summary = section[section.index('id="veldbezoek-errors"') :]
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)[0] == (
        "f-visited_on",
        "Datum veldbezoek",
    )
    assert 'id="f-visited_on-error"' in section and 'aria-invalid="true"' in section
    # What was typed is kept: the chosen outcome and the remarks.
    assert '<option value="dog" selected>' in section
    assert "Sporen van een hond.</textarea>" in section
    # Not flashed at the top of the page.
    assert "flash-error" not in html[: html.index('aria-labelledby="dna"')]
    session.refresh(wolf_claim)
    assert wolf_claim.wolf_finding is None


def test_a_visit_in_the_future_and_an_unknown_finding(app, session, officer, wolf_claim):
    later = (today() + timedelta(days=3)).isoformat()
    answer = _post(app, officer, wolf_claim, {"finding": "dog", "visited_on": later})
    assert answer.status_code == 422
    section = _section(answer.get_data(as_text=True))
    assert "tussen de ontdekking en vandaag" in section
    assert f'name="visited_on" value="{later}"' in section

    answer = _post(app, officer, wolf_claim, {"finding": "wolfachtig", "visited_on": later})
    assert answer.status_code == 422
    section = _section(answer.get_data(as_text=True))
    assert '<a href="#f-finding">Uitkomst</a>' in section


def test_a_recorded_finding_is_flashed_and_shown(app, session, officer, wolf_claim):
    answer = _post(app, officer, wolf_claim, {"finding": "dog", "visited_on": today().isoformat()})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/aanvragen/{wolf_claim.id}#dna")
