"""Who a province's letters come from, and which rules they cite, in the reader's words.

Issue 14: the decision letter said "regeling FR-2024-01-01.1" (our internal rule-set code), and
every province's letters had one sender and were "niet ondertekend" by anyone named. Now the
beleidsregel is named with its version date, and sender, objection address and signatory come
from the province's settings (LETTER_PROVINCES_JSON), with illustrative defaults outside
production.
"""

from __future__ import annotations

import json

import pytest

from config import ProductionConfig
from faunaschade.documents.letterhead import (
    ILLUSTRATIVE_LETTER_PROVINCES,
    province_letters,
    settings_problems,
)
from faunaschade.money import dutch_date
from faunaschade.provinces import PROVINCE_CODES
from faunaschade.rules import rule_set_for
from tests.support.decisions import assessed_claim
from tests.support.production import LETTER_PROVINCES_JSON, signing_env

DRENTHE = {
    "sender": {
        "name": "Provincie Drenthe, team Faunaschade",
        "postal_address": "Postbus 122",
        "postal_city": "9400 AC Assen",
    },
    "objection_address": {
        "name": "Gedeputeerde Staten van Drenthe, t.a.v. de bezwaarcommissie",
        "postal_address": "Postbus 123",
        "postal_city": "9400 AC Assen",
    },
    "signatory": {"name": "mr. J. Hoekstra", "function": "afdelingshoofd Natuur"},
}


@pytest.fixture
def decision_letter_text(
    app, client, session, make_user, api_token, run_worker, smtp_server, pdf_text
):
    """The text of a real Drenthe decision letter, proposed, approved and rendered by a worker."""
    farmer = make_user("farmer")
    first, second = (make_user("officer", provinces=("DR",)) for _ in range(2))
    claim = assessed_claim(session, farmer, first, make_user("assessor"))
    proposed = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json={"motivation": "Vastgesteld."},
        headers=api_token(first),
    )
    assert proposed.status_code == 201, proposed.json
    approved = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=api_token(second))
    assert approved.status_code == 200, approved.json
    run_worker()
    letters = client.get(f"/api/v1/claims/{claim.id}/letters", headers=api_token(farmer)).json
    letter = next(item for item in letters if item["kind"] == "decision")
    pdf = client.get(f"/api/v1/letters/{letter['id']}.pdf", headers=api_token(farmer)).data
    return " ".join(pdf_text(pdf).split()), claim


def test_the_decision_letter_names_the_beleidsregel_and_its_version_date_not_our_code(
    decision_letter_text,
):
    text, claim = decision_letter_text
    rule_set = rule_set_for("DR", claim.discovered_on)
    version = dutch_date(rule_set.valid_from)
    assert f"volgens de {rule_set.beleidsregel.title} (versie van {version})" in text
    assert rule_set.version not in text and "regeling DR" not in text
    assert "DR-" not in text.replace(claim.reference, "")


def test_without_settings_a_letter_carries_the_illustrative_ones(decision_letter_text):
    text, _ = decision_letter_text
    illustrative = ILLUSTRATIVE_LETTER_PROVINCES["DR"]
    assert "Gedeputeerde Staten van Drenthe Postbus 1000 Assen" in text
    assert f"namens Gedeputeerde Staten van Drenthe, {illustrative['signatory']['name']}" in text


@pytest.fixture
def drenthe_configured(app, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_PROVINCES", {"DR": DRENTHE})
    monkeypatch.setitem(app.config, "LETTER_SENDER", {"email": "info@faunaschade.nl"})


def test_a_configured_province_signs_and_receives_objections_as_set(
    drenthe_configured, decision_letter_text
):
    text, _ = decision_letter_text
    assert "Retouradres Postbus 122, 9400 AC Assen" in text
    assert "Provincie Drenthe, team Faunaschade" in text
    assert "E info@faunaschade.nl" in text  # the shared sender fills what the province leaves out
    assert (
        "Gedeputeerde Staten van Drenthe, t.a.v. de bezwaarcommissie Postbus 123 9400 AC Assen"
        in text
    )
    assert "namens Gedeputeerde Staten van Drenthe, mr. J. Hoekstra afdelingshoofd Natuur" in text
    assert "N.N." not in text


def test_every_province_has_illustrative_settings_marked_as_such():
    assert set(ILLUSTRATIVE_LETTER_PROVINCES) == set(PROVINCE_CODES)
    assert all(entry["illustrative"] for entry in ILLUSTRATIVE_LETTER_PROVINCES.values())
    assert settings_problems(ILLUSTRATIVE_LETTER_PROVINCES) == []
    settings = province_letters("LI", {}, {})
    assert settings.illustrative and settings.objection_address.postal_city == "Maastricht"
    assert settings.objection_address.name == "Gedeputeerde Staten van Limburg"
    assert province_letters("DR", {"DR": DRENTHE}, {}).illustrative is False


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"XX": DRENTHE}, "XX: not a province code"),
        (
            {"DR": {**DRENTHE, "signatory": {"name": "J. Hoekstra"}}},
            "DR.signatory.function: missing",
        ),
        ({"DR": {**DRENTHE, "sender": {"fax": "050"}}}, "DR.sender.fax: unknown field"),
        (
            {
                "DR": {
                    **DRENTHE,
                    "objection_address": {"postal_address": " ", "postal_city": "Assen"},
                }
            },
            "DR.objection_address.postal_address: expected a non-empty text",
        ),
        ([], "expected a JSON object of province code → settings"),
    ],
)
def test_bad_settings_are_named(settings, problem):
    assert problem in settings_problems(settings)


def test_a_bad_entry_falls_back_to_the_illustrative_settings_outside_production():
    broken = {"DR": {"signatory": "Hoekstra"}}
    assert province_letters("DR", broken, {}).signatory.name == "N.N."


def test_production_refuses_missing_or_illustrative_letter_settings(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@127.0.0.1/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("ALLOW_TEST_PAYMENTS", "true")
    monkeypatch.setenv("LETTER_SENDER_JSON", '{"name": "BIJ12"}')
    account = {"name": "Provincie", "iban": "NL91ABNA0417164300", "bic": "ABNANL2A"}
    monkeypatch.setenv(
        "PROVINCE_ACCOUNTS_JSON", json.dumps({code: account for code in PROVINCE_CODES})
    )
    monkeypatch.delenv("LETTER_PROVINCES_JSON", raising=False)
    for name, value in signing_env().items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=r"LETTER_PROVINCES_JSON.*no settings for GR, FR"):
        ProductionConfig.check()
    monkeypatch.setenv("LETTER_PROVINCES_JSON", json.dumps(ILLUSTRATIVE_LETTER_PROVINCES))
    with pytest.raises(RuntimeError, match="DR: illustrative settings"):
        ProductionConfig.check()
    partial = json.loads(LETTER_PROVINCES_JSON)
    del partial["UT"]["signatory"]
    monkeypatch.setenv("LETTER_PROVINCES_JSON", json.dumps(partial))
    with pytest.raises(RuntimeError, match=r"UT\.signatory: missing"):
        ProductionConfig.check()
    monkeypatch.setenv("LETTER_PROVINCES_JSON", "{")
    with pytest.raises(RuntimeError, match=r"LETTER_PROVINCES_JSON.*not JSON"):
        ProductionConfig.check()
    monkeypatch.setenv("LETTER_PROVINCES_JSON", LETTER_PROVINCES_JSON)
    ProductionConfig.check()
