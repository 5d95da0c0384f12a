"""Registration (issue 14): every field checked in one round, the password too, and what was
typed kept; the optional phone number is Dutch, stored one way, shown to the officer,
exported and erased."""

import re

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from faunaschade import validators
from faunaschade.farmers import privacy
from faunaschade.farmers.operations import masked_iban
from faunaschade.models import FarmerProfile, User
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.decisions import assessed_claim
from tests.support.farmers import PASSWORD, registration


def _register(client, **fields):
    token = csrf_token_from(client.get("/registreren").get_data(as_text=True))
    return client.post("/registreren", data={**registration(**fields), "csrf_token": token})


def _input(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html)[0]


def test_the_password_is_checked_with_the_other_fields_in_one_round(client, session):
    answer = _register(client, password="kort", kvk="123", iban="NL00", phone="12345")
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    summary = html[
        html.index('class="error-summary"') : html.index("</div>", html.index("error-summary"))
    ]
    assert re.findall(r'<a href="#f-(\w+)">', summary) == ["password", "kvk", "iban", "phone"]
    assert "12 tekens" in summary and "Telefoonnummer" in summary
    assert session.scalar(select(User)) is None


def test_everything_typed_is_kept_the_password_too(client):
    answer = _register(client, kvk="123", phone="06-1234 5678")
    html = answer.get_data(as_text=True)
    assert f'value="{PASSWORD}"' in _input(html, "password")
    assert 'value="123"' in _input(html, "kvk")
    assert 'value="06-1234 5678"' in _input(html, "phone")
    assert 'value="Maatschap De Vries"' in _input(html, "name")
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("06 12345678", "+31612345678"),
        ("06-1234 5678", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("+31 (0)6 1234 5678", "+31612345678"),
        ("0031 512 345678", "+31512345678"),
        ("(0512) 34 56 78", "+31512345678"),
    ],
)
def test_dutch_phone_numbers_in_any_usual_spelling(typed, stored):
    assert validators.phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["12345", "0612345", "061234567890", "+32 470 12 34 56", "06 1234 567a", "0012345678"]
)
def test_other_numbers_are_refused_with_an_example(typed):
    with pytest.raises(ValidationError, match="06 12345678"):
        validators.phone(typed)


def test_the_api_stores_the_phone_number_and_names_a_wrong_one(client, session):
    wrong = client.post("/api/v1/register", json=registration(phone="0612"))
    assert wrong.status_code == 422 and list(wrong.json["error"]["fields"]) == ["phone"]
    assert (
        client.post("/api/v1/register", json=registration(phone="06 1234 5678")).status_code == 202
    )
    assert session.scalar(select(FarmerProfile.phone)) == "+31612345678"
    # Without one: no phone, as before.
    other = registration(email="piet@boerderij.nl", kvk="76543210")
    assert client.post("/api/v1/register", json=other).status_code == 202
    phones = session.scalars(select(FarmerProfile.phone).order_by(FarmerProfile.id)).all()
    assert phones == ["+31612345678", None]


def test_the_iban_shows_only_its_last_four_characters():
    assert masked_iban("NL91ABNA0417164300") == "NL** **** **** **43 00"
    assert masked_iban("DE89 3704 0044 0532 0130 00") == "DE** **** **** **** **30 00"


def _web(app, user):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    return client


def test_the_officer_sees_the_applicant_and_the_farmer_and_auditor_do_not(
    app, session, farmer, officer, auditor, assessor
):
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    profile.phone = "+31612345678"
    claim = assessed_claim(session, farmer, officer, assessor)
    page = _web(app, officer).get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    section = page[
        page.index('id="aanvrager"') : page.index("</section>", page.index('id="aanvrager"'))
    ]
    for shown in (
        profile.name,
        "Dijk 1, 1234 AB Joure",
        profile.kvk,
        "NL** **** **** **43 00",
        farmer.email,
        '<a href="tel:+31612345678">06 1234 5678</a>',
    ):
        assert shown in section, shown
    assert "NL91" not in page and "ABNA" not in page
    for other in (farmer, auditor):
        assert 'id="aanvrager"' not in _web(app, other).get(f"/aanvragen/{claim.id}").get_data(
            as_text=True
        )


def test_the_phone_number_is_exported_and_erased(session, farmer):
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    profile.phone = "+31612345678"
    session.flush()
    assert privacy.export_for(farmer)["profile"]["phone"] == "+31612345678"
    privacy.erase_farmer(profile, None, force=True)
    assert profile.phone is None
