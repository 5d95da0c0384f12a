"""Account abuse found by attacking a production-like deployment (issue item 10).

Enumeration at registration, login limits per client and per account, weak passwords,
look-alike e-mail addresses, a KvK number on two accounts, and the test betaalpagina.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from faunaschade.accounts.users import create_user
from faunaschade.errors import ValidationFailed
from faunaschade.extensions import limiter
from faunaschade.models import AuditEvent, FarmerProfile, Role, User
from faunaschade.passwords import policy_problem
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.farmers import (
    PASSWORD,
    claim_body,
    parcel_body,
    register_and_login,
    registration,
)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _actions(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _web_login(client, email: str, password: str, **kwargs):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data, **kwargs)


def _web_register(client, **overrides):
    form = registration(**overrides)
    form["csrf_token"] = csrf_token_from(client.get("/registreren").get_data(as_text=True))
    return client.post("/registreren", data=form)


@pytest.fixture
def limited(session, other_app):
    """Build an app with rate limiting on (counted in memory); the switch is put back after.

    The limiter is one process-wide object whose on/off switch the last app built decides.
    """
    was_enabled = limiter.enabled
    yield lambda **config: other_app(
        RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **config
    )
    limiter.enabled = was_enabled


# --- 1. registration does not tell whether an address has an account ---


def test_api_registration_answers_the_same_for_a_taken_address(client, session):
    fresh = client.post("/api/v1/register", json=registration())
    taken = client.post("/api/v1/register", json=registration(kvk="76543210", name="Ander"))
    assert fresh.status_code == taken.status_code == 202
    assert fresh.json == taken.json
    assert set(fresh.json) == {"message"}
    assert _count(session, User) == _count(session, FarmerProfile) == 1
    [attempt] = _actions(session, "user.registration_repeated")
    assert attempt.object_id == session.scalar(select(User.id))


def test_a_taken_address_with_a_weak_password_gets_the_fresh_answer_too(client, session):
    client.post("/api/v1/register", json=registration())
    fresh = client.post("/api/v1/register", json=registration(email="nieuw@boerderij.nl"))
    weak = {"password": "kort-1"}
    fresh_weak = client.post(
        "/api/v1/register", json=registration(email="ander@boerderij.nl", **weak)
    )
    taken_weak = client.post("/api/v1/register", json=registration(**weak))
    assert fresh.status_code == 202
    assert fresh_weak.status_code == taken_weak.status_code == 422
    assert fresh_weak.json == taken_weak.json


def test_web_registration_answers_the_same_for_a_taken_address(client, session):
    fresh = _web_register(client)
    taken = _web_register(client, kvk="76543210")
    assert fresh.status_code == taken.status_code == 302
    assert fresh.headers["Location"] == taken.headers["Location"]
    assert "/login" in fresh.headers["Location"]
    # Nobody is logged in by registering: that too would tell a new address from a taken one.
    assert client.get("/percelen").status_code == 302
    assert _count(session, User) == 1


def test_registration_is_rate_limited_per_client_over_page_and_api(limited, session):
    app = limited(RATELIMIT_REGISTER="2 per hour")
    client = app.test_client()
    first = client.post("/api/v1/register", json=registration(email="a@boerderij.nl"))
    second = _web_register(client, email="b@boerderij.nl", kvk="11111111")
    third = client.post("/api/v1/register", json=registration(email="c@boerderij.nl"))
    assert (first.status_code, second.status_code, third.status_code) == (202, 302, 429)
    assert third.json["error"]["code"] == "rate_limited"
    assert _web_register(client, email="d@boerderij.nl").status_code == 429


# --- 2. login: one limit per client over page and API, and a limit per account ---


def test_login_limit_per_client_is_shared_by_page_and_api(limited, make_user):
    user = make_user("farmer")
    client = limited(RATELIMIT_LOGIN="4 per minute").test_client()
    wrong = {"email": user.email, "password": "verkeerd-wachtwoord-1"}
    answers = [_web_login(client, **wrong).status_code for _ in range(2)]
    answers += [client.post("/api/v1/auth/token", json=wrong).status_code for _ in range(2)]
    answers.append(client.post("/api/v1/auth/token", json=wrong).status_code)
    assert answers == [401, 401, 401, 401, 429]
    assert _web_login(client, **wrong).status_code == 429


def test_login_is_limited_per_account_across_client_addresses(limited, make_user):
    user = make_user("farmer", email="farmer@example.nl")
    other = make_user("farmer")
    app = limited(RATELIMIT_LOGIN_ACCOUNT="3 per hour", TRUSTED_PROXIES=1)
    client = app.test_client()

    def token(email: str, password: str, address: str) -> int:
        body = {"email": email, "password": password}
        headers = {"X-Forwarded-For": address}
        return client.post("/api/v1/auth/token", json=body, headers=headers).status_code

    wrong = "verkeerd-wachtwoord-1"
    tries = [token(user.email, wrong, f"198.51.100.{n}") for n in range(1, 4)]
    assert tries == [401, 401, 401]
    # The fourth guess, from yet another address, in another spelling, or by the page: refused.
    assert token("FARMER@example.nl", wrong, "198.51.100.9") == 429
    assert token("ｆａｒｍｅｒ@example.nl", DEMO_PASSWORD, "203.0.113.5") == 429
    web = _web_login(client, user.email, wrong, headers={"X-Forwarded-For": "203.0.113.6"})
    assert web.status_code == 429
    # Another account from the same addresses is not affected.
    assert token(other.email, DEMO_PASSWORD, "198.51.100.9") == 201


def test_successful_logins_do_not_use_up_the_account_limit(limited, make_user):
    user = make_user("farmer")
    client = limited(RATELIMIT_LOGIN_ACCOUNT="2 per hour").test_client()
    body = {"email": user.email, "password": DEMO_PASSWORD}
    answers = [client.post("/api/v1/auth/token", json=body).status_code for _ in range(4)]
    assert answers == [201] * 4


# --- 3. passwords of spaces or of too few different characters ---


@pytest.mark.parametrize(
    "password", [" " * 12, "\t \u3000" * 5, "abababababab12", "1a1a1a1a1a1a1a1a", "..--..--..--"]
)
def test_blank_and_monotonous_passwords_are_refused(client, session, password):
    answer = client.post("/api/v1/register", json=registration(password=password))
    assert answer.status_code == 422
    fields = answer.json["error"]["fields"]
    assert list(fields) == ["password"]
    assert fields["password"] == [policy_problem(password)]
    assert "wachtwoord" in fields["password"][0]
    assert _count(session, User) == 0


def test_a_varied_password_is_still_accepted():
    assert policy_problem("lange-wachtwoord-2026") is None
    assert policy_problem("correct horse 42 battery") is None


# --- 4. look-alike e-mail addresses are the same address ---


@pytest.mark.parametrize(
    "look_alike", ["ｆａｒｍｅｒ@example.nl", "farmer@ｅｘａｍｐｌｅ.nl", "FARMER@Example.NL"]
)
def test_look_alike_address_does_not_make_a_second_account(client, session, look_alike):
    client.post("/api/v1/register", json=registration(email="farmer@example.nl"))
    again = client.post("/api/v1/register", json=registration(email=look_alike, kvk="76543210"))
    assert again.status_code == 202
    assert list(session.scalars(select(User.email))) == ["farmer@example.nl"]
    token = client.post("/api/v1/auth/token", json={"email": look_alike, "password": PASSWORD})
    assert token.status_code == 201
    assert _web_login(client, look_alike, PASSWORD).status_code == 302


def test_look_alike_address_is_stored_normalised(client, session):
    client.post("/api/v1/register", json=registration(email="ＪＡＮ@Boerderij.nl"))
    assert list(session.scalars(select(User.email))) == ["jan@boerderij.nl"]


def test_admin_cannot_create_a_look_alike_user(session, make_user):
    make_user("officer", email="ambtenaar@example.nl")
    with pytest.raises(ValidationFailed) as refused:
        create_user("ＡＭＢＴＥＮＡＡＲ@example.nl", DEMO_PASSWORD, Role.ADMIN)
    assert refused.value.fields == {"email": ["Dit e-mailadres is al in gebruik."]}


def test_officer_finds_an_assessor_by_a_look_alike_address(session, make_user):
    from faunaschade.assessments.operations import _assessor_by_email
    from faunaschade.audit.log import actor_by_email

    assessor = make_user("assessor", email="taxateur@example.nl")
    assert _assessor_by_email("ＴＡＸＡＴＥＵＲ@example.nl") == assessor
    assert actor_by_email("ｔａｘａｔｅｕｒ@example.nl") == assessor.id


# --- 5. the same KvK number on two accounts: a warning for staff, nothing for the registrant ---


def _draft_claim(client, farmer: dict[str, str]) -> int:
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    created = client.post("/api/v1/claims", json=claim_body(parcel["id"]), headers=farmer)
    assert created.status_code == 201, created.json
    return created.json["id"]


def test_shared_kvk_is_hidden_from_the_registrant_and_shown_to_the_officer(
    app, client, session, make_user
):
    first = client.post("/api/v1/register", json=registration(email="a@boerderij.nl"))
    shared = client.post("/api/v1/register", json=registration(email="b@boerderij.nl"))
    unique = client.post(
        "/api/v1/register", json=registration(email="c@boerderij.nl", kvk="76543210")
    )
    assert first.status_code == shared.status_code == unique.status_code == 202
    assert shared.json == unique.json
    profiles = {p.user.email: p for p in session.scalars(select(FarmerProfile))}
    [event] = _actions(session, "farmer.kvk_shared")
    assert event.object_id == profiles["b@boerderij.nl"].id
    assert event.data == {"profile_ids": [profiles["a@boerderij.nl"].id]}  # no KvK in the chain

    body = {"email": "b@boerderij.nl", "password": PASSWORD}
    token = client.post("/api/v1/auth/token", json=body).json["token"]
    farmer = {"Authorization": f"Bearer {token}"}
    claim_id = _draft_claim(client, farmer)
    farmer_page = app.test_client()
    _web_login(farmer_page, "b@boerderij.nl", PASSWORD)
    own_view = farmer_page.get(f"/aanvragen/{claim_id}").get_data(as_text=True)
    assert "KvK-nummer" not in own_view

    officer = make_user("officer", provinces=("FR",))
    staff = app.test_client()
    _web_login(staff, officer.email, DEMO_PASSWORD)
    page = staff.get(f"/aanvragen/{claim_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "KvK-nummer 01234567 hoort ook bij" in html
    assert str(profiles["a@boerderij.nl"].id) in html


# --- 6. the test betaalpagina only for the farmer whose claim it is ---


def test_test_payment_page_needs_the_paying_farmer(app, client, session, make_user):
    farmer = register_and_login(client)
    claim_id = _draft_claim(client, farmer)
    submitted = client.post(f"/api/v1/claims/{claim_id}/submit", json={}, headers=farmer)
    assert submitted.status_code == 200, submitted.json
    started = client.post(f"/api/v1/claims/{claim_id}/payment", headers=farmer).json
    url = started["redirect_url"]

    anonymous = app.test_client()
    page = anonymous.get(url)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    token = csrf_token_from(anonymous.get("/login").get_data(as_text=True))
    paid = anonymous.post(url, data={"action": "pay", "csrf_token": token})
    assert paid.status_code == 302 and "/login" in paid.headers["Location"]

    other = make_user("farmer")
    stranger = app.test_client()
    _web_login(stranger, other.email, DEMO_PASSWORD)
    assert stranger.get(url).status_code == 404
    token = csrf_token_from(stranger.get("/login").get_data(as_text=True))
    assert stranger.post(url, data={"action": "pay", "csrf_token": token}).status_code == 404

    owner = app.test_client()
    _web_login(owner, "jan@boerderij.nl", PASSWORD)
    assert owner.get(url).status_code == 200
    status = client.get(f"/api/v1/claims/{claim_id}", headers=farmer).json["status"]
    assert status == "awaiting_payment"
