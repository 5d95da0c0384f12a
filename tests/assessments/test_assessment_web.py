"""The assessment pages through Flask's client: scope, forms, errors in place, the queue."""

import re
from datetime import timedelta

import pytest

from faunaschade.clock import today
from faunaschade.models import Assessment, AssessmentStatus, Claim
from tests.support.app import csrf_token_from, post_form, web_client
from tests.support.assessments import report_body, submitted_claim
from tests.support.farmers import PASSWORD


@pytest.fixture
def world(app, client, session, make_user, api_token):
    officer = make_user("officer", provinces=("LI",))
    assessor = make_user("assessor", name="Tim Taxateur")
    stranger = make_user("assessor", name="Ander Bureau")
    farmer_h, claim, parcel = submitted_claim(client)
    ordered = client.post(
        f"/api/v1/claims/{claim['id']}/assessment-order",
        json={"assessor_email": assessor.email},
        headers=api_token(officer),
    )
    return {
        "officer": officer,
        "assessor": assessor,
        "stranger": stranger,
        "farmer_h": farmer_h,
        "claim": claim,
        "parcel": parcel,
        "assessment_id": ordered.json["assessment_id"],
    }


def test_a_non_assigned_assessor_gets_404_on_every_page(app, world):
    other = web_client(app, world["stranger"])
    aid = world["assessment_id"]
    assert other.get(f"/taxaties/{aid}").status_code == 404
    assert other.get(f"/taxaties/{aid}/indienen").status_code == 404
    token = csrf_token_from(other.get("/taxaties").get_data(as_text=True))
    assert other.post(f"/taxaties/{aid}", data={"csrf_token": token}).status_code == 404
    assert other.post(f"/taxaties/{aid}/indienen", data={"csrf_token": token}).status_code == 404
    assert other.get(f"/aanvragen/{world['claim']['id']}").status_code == 404
    assert world["claim"]["reference"] not in other.get("/taxaties").get_data(as_text=True)
    officer = web_client(app, world["officer"])
    assert officer.get(f"/taxaties/{aid}").status_code == 403


def test_report_form_keeps_input_and_shows_errors_in_place(app, session, world):
    assessor = web_client(app, world["assessor"])
    url = f"/taxaties/{world['assessment_id']}"
    page = assessor.get(url).get_data(as_text=True)
    # One suggested row per parcel × species, plus two empty ones.
    assert page.count("<legend>Regel ") == 4
    pid = world["parcel"]["id"]
    form = {
        "line_rows": "2",
        "visit_rows": "1",
        "visit-0-date": today().isoformat(),
        "line-0-parcel_id": str(pid),
        "line-0-species": "grauwe_gans",
        "line-0-area_type": "regular",
        "line-0-damaged_area_ha": "5,1",
        "line-0-lost_quantity": "1.234,5",
        "line-0-unit": "kg",
        "line-0-unit_price": "0,185",
        "line-0-price_source": "kwin",
        "line-1-parcel_id": str(pid),
        "line-1-species": "brandgans",
        "line-1-area_type": "regular",
        "action": "save",
    }
    response = post_form(assessor, url, form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Regel 1: Beschadigde oppervlakte (ha)" in html
    assert re.search(r'id="f-line-0-damaged_area_ha"[^>]*value="5,1"[^>]*aria-invalid="true"', html)
    assert 'value="1.234,5"' in html
    assert session.get(Assessment, world["assessment_id"]).status == AssessmentStatus.ORDERED

    form["line-0-damaged_area_ha"] = "2,5"
    form["action"] = "add_lines"
    saved = post_form(assessor, url, form)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("meer_regels=1#regels")
    session.expire_all()
    assessment = session.get(Assessment, world["assessment_id"])
    assert [str(x.assessed_damage) for x in assessment.lines] == ["228.38"]
    again = assessor.get(saved.headers["Location"]).get_data(as_text=True)
    assert again.count("<legend>Regel ") == 1 + 2 + 3
    assert 'value="1234,5"' in again

    submit_page = assessor.get(f"{url}/indienen").get_data(as_text=True)
    assert "€ 228,38" in submit_page
    done = post_form(assessor, f"{url}/indienen", {})
    assert done.status_code == 302 and done.headers["Location"].endswith("/taxaties")
    assert assessor.get(url).status_code == 302  # submitted: read it on the claim page
    session.expire_all()
    assert session.get(Claim, world["claim"]["id"]).status.value == "assessed"


def test_submit_page_refuses_an_empty_report(app, world):
    assessor = web_client(app, world["assessor"])
    response = post_form(assessor, f"/taxaties/{world['assessment_id']}/indienen", {})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Leg ten minste één bezoek vast." in html and "Taxatieregels" in html


def test_officer_pages_completion_and_order(app, session, make_user, client, api_token):
    officer_user = make_user("officer", provinces=("LI",))
    make_user("assessor", name="Tim Taxateur", email="tim@bureau.nl")
    _, claim, _ = submitted_claim(client)
    officer = web_client(app, officer_user)
    detail = officer.get(f"/aanvragen/{claim['id']}").get_data(as_text=True)
    assert "Taxatie opdragen" in detail and "Aanvulling vragen" in detail
    assert "Wat de rekenregels ervan maken" in detail

    url = f"/aanvragen/{claim['id']}/aanvulling-vragen"
    empty = post_form(officer, url, {"message": "", "days": "abc"})
    assert empty.status_code == 422
    assert "Dit veld is verplicht." in empty.get_data(as_text=True)
    message = "Stuur de perceelkaart.\r\n\r\nEn een foto."  # a browser posts CRLF
    sent = post_form(officer, url, {"message": message, "days": "5"})
    assert sent.status_code == 302
    page = officer.get(f"/aanvragen/{claim['id']}").get_data(as_text=True)
    assert "<p>Stuur de perceelkaart.</p><p>En een foto.</p>" in page
    assert "Aanvraag is compleet" in page
    done = officer.post(
        f"/aanvragen/{claim['id']}/compleet",
        data={"csrf_token": csrf_token_from(page)},
    )
    assert done.status_code == 302

    order = f"/aanvragen/{claim['id']}/taxatie-opdragen"
    page = officer.get(order).get_data(as_text=True)
    assert "Tim Taxateur (0 open)" in page
    missing = post_form(officer, order, {})
    assert missing.status_code == 422
    ordered = post_form(officer, order, {"assessor_email": "tim@bureau.nl", "urgent": "1"})
    assert ordered.status_code == 302
    session.expire_all()
    assert session.get(Claim, claim["id"]).status.value == "assessment_ordered"


def test_queue_filters_and_overdue(app, session, make_user, client, api_token):
    officer_user = make_user("officer", provinces=("LI", "ZE"))
    assessor = make_user("assessor")
    _, late, _ = submitted_claim(client)
    _, fresh, _ = submitted_claim(
        client, registration={"email": "b@boer.nl", "kvk": "07654321"}, species=["kolgans"]
    )
    client.post(
        f"/api/v1/claims/{fresh['id']}/assessment-order",
        json={"assessor_email": assessor.email},
        headers=api_token(officer_user),
    )
    session.get(Claim, late["id"]).backstop_deadline = today() - timedelta(days=2)
    session.commit()

    officer = web_client(app, officer_user)
    page = officer.get("/behandeling").get_data(as_text=True)
    assert late["reference"] in page and fresh["reference"] in page
    assert "2 dagen te laat" in page and "Te laat" in page
    assert page.index(late["reference"]) < page.index(fresh["reference"])
    overdue = officer.get("/behandeling?overdue=1").get_data(as_text=True)
    assert late["reference"] in overdue and fresh["reference"] not in overdue
    geese = officer.get("/behandeling?species=kolgans").get_data(as_text=True)
    assert fresh["reference"] in geese and late["reference"] not in geese
    ordered = officer.get("/behandeling?status=assessment_ordered").get_data(as_text=True)
    assert fresh["reference"] in ordered and "Taxatierapport" in ordered
    # The Taxatie column names who assesses (the queue reads it with the page, issue 13).
    assert (assessor.name or assessor.email) in ordered.split(fresh["reference"], 1)[1]
    assert officer.get("/behandeling?status=nonsense").status_code == 422
    api = client.get("/api/v1/queue?overdue=true", headers=api_token(officer_user)).json
    assert [row["reference"] for row in api["rows"]] == [late["reference"]]
    assert api["rows"][0]["deadlines"][0]["state"] == "overdue"


def test_farmer_completes_and_gives_zienswijze_in_the_page(
    app, session, client, make_user, api_token, monkeypatch
):
    officer_user = make_user("officer", provinces=("LI",))
    assessor_user = make_user("assessor")
    _, claim, parcel = submitted_claim(client)
    officer_h = api_token(officer_user)
    client.post(
        f"/api/v1/claims/{claim['id']}/completion-request",
        json={"message": "Foto's graag."},
        headers=officer_h,
    )
    from faunaschade.models import User

    farmer = session.query(User).filter_by(email="jan@boerderij.nl").one()
    web = web_client(app, farmer, PASSWORD)
    page = web.get(f"/aanvragen/{claim['id']}").get_data(as_text=True)
    assert "Foto&#39;s graag." in page and "Aanvulling versturen" in page
    token = csrf_token_from(page)
    sent = web.post(f"/aanvragen/{claim['id']}/aanvullen", data={"csrf_token": token})
    assert sent.status_code == 302

    aid = client.post(
        f"/api/v1/claims/{claim['id']}/assessment-order",
        json={"assessor_email": assessor_user.email},
        headers=officer_h,
    ).json["assessment_id"]
    assessor_h = api_token(assessor_user)
    client.put(
        f"/api/v1/assessments/{aid}/report", json=report_body(parcel["id"]), headers=assessor_h
    )
    client.post(f"/api/v1/assessments/{aid}/submit", headers=assessor_h)

    page = web.get(f"/aanvragen/{claim['id']}").get_data(as_text=True)
    assert "Vastgestelde schade" in page and "€ 1.700,00" in page
    assert "Wat de rekenregels" not in page  # the preview is for officers
    url = f"/aanvragen/{claim['id']}/zienswijze"
    empty = post_form(web, url, {"text": " "})
    assert empty.status_code == 422
    given = post_form(web, url, {"text": "Ik ben het oneens."})
    assert given.status_code == 302
    assert "Ik ben het oneens." in web.get(f"/aanvragen/{claim['id']}").get_data(as_text=True)

    from faunaschade.assessments import zienswijze

    monkeypatch.setattr(zienswijze, "today", lambda: today() + timedelta(days=30))
    closed = web.get(url).get_data(as_text=True)
    assert "U heeft al een zienswijze gegeven" in closed
