"""Another farmer and another province's officer get 404 for a claim, its photos and letters."""

import io

import pytest

from tests.support.app import csrf_token_from
from tests.support.farmers import claim_body, jpeg_bytes, parcel_body, register_and_login


@pytest.fixture
def submitted_claim(client, session, redis_conn, run_worker):
    """A Fryslân claim with a photo and a rendered receipt letter."""
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    claim = client.post("/api/v1/claims", json=claim_body(parcel["id"]), headers=farmer).json
    photo = client.post(
        f"/api/v1/claims/{claim['id']}/attachments",
        headers=farmer,
        data={"file": (io.BytesIO(jpeg_bytes()), "schade.jpg")},
    ).json
    client.post(f"/api/v1/claims/{claim['id']}/submit", json={}, headers=farmer)
    payment = client.post(f"/api/v1/claims/{claim['id']}/payment", headers=farmer).json
    client.post(
        f"/api/v1/payments/{payment['payment_id']}/test-confirm",
        json={"status": "paid"},
        headers=farmer,
    )
    run_worker()
    letters = client.get(f"/api/v1/claims/{claim['id']}/letters", headers=farmer).json
    return {
        "farmer": farmer,
        "claim": claim["id"],
        "photo": photo["id"],
        "letter": letters[0]["id"],
    }


def _paths(c: dict) -> list[str]:
    return [
        f"/api/v1/claims/{c['claim']}",
        f"/api/v1/claims/{c['claim']}/attachments/{c['photo']}",
        f"/api/v1/claims/{c['claim']}/letters",
        f"/api/v1/letters/{c['letter']}.pdf",
    ]


def test_owner_and_province_officer_see_it(client, submitted_claim, make_user, api_token):
    officer_fr = api_token(make_user("officer", provinces=("FR",)))
    for headers in (submitted_claim["farmer"], officer_fr):
        for path in _paths(submitted_claim):
            assert client.get(path, headers=headers).status_code == 200, path


def test_another_farmer_gets_404_everywhere(client, submitted_claim):
    other = register_and_login(client, email="buurman@boerderij.nl", kvk="76543210")
    for path in _paths(submitted_claim):
        response = client.get(path, headers=other)
        assert response.status_code == 404, path
        assert response.json["error"]["code"] == "not_found"
    listed = client.get("/api/v1/claims", headers=other).json
    assert listed["total"] == 0


def test_another_provinces_officer_and_auditor_get_404(
    client, submitted_claim, make_user, api_token
):
    for user in (
        make_user("officer", provinces=("NH", "UT")),
        make_user("auditor", provinces=("GE",)),
    ):
        headers = api_token(user)
        for path in _paths(submitted_claim):
            assert client.get(path, headers=headers).status_code == 404, path


def test_web_pages_answer_404_out_of_scope(client, submitted_claim, session):
    register_and_login(client, email="buurman@boerderij.nl", kvk="76543210")
    page = client.get("/login")
    client.post(
        "/login",
        data={
            "email": "buurman@boerderij.nl",
            "password": "lange-wachtwoord-2026",
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    claim, photo, letter = (submitted_claim[k] for k in ("claim", "photo", "letter"))
    for path in (
        f"/aanvragen/{claim}",
        f"/aanvragen/{claim}/bijlagen/{photo}",
        f"/brieven/{letter}.pdf",
    ):
        assert client.get(path).status_code == 404, path
