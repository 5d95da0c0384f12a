"""Web security: headers, the production session cookie, CSRF on every form, login rate limit,
password policy and no personal data in the logs.

Session rotation at login and the end of the session at logout are tested in test_auth.py
(test_session_id_is_rotated_at_login, test_login_starts_a_server_side_session_and_logout_ends_it).
"""

from __future__ import annotations

import logging
import os
import re
from http.cookies import SimpleCookie

import pytest
from flask import Flask
from sqlalchemy import func, select

from faunaschade import create_app
from faunaschade.extensions import db, limiter
from faunaschade.logs import _EMAIL, _IBAN
from faunaschade.notifications.operations import NotificationKind, notify
from faunaschade.passwords import policy_problem
from faunaschade.provinces import PROVINCE_CODES
from tests.support.access_matrix import MATRIX, OK, ROLES, _path, build_world, url_map_keys
from tests.support.app import DEMO_PASSWORD, FreshContextClient, csrf_token_from
from tests.support.farmers import PASSWORD, registration
from tests.support.notifications import make_claim
from tests.support.production import LETTER_PROVINCES_JSON, signing_env
from tests.support.redis_server import free_port

LOGIN_FAILED = "E-mailadres of wachtwoord onjuist."


def _directives(csp: str) -> dict[str, list[str]]:
    parts = (part.split() for part in csp.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _assert_security_headers(response, *, hsts: bool) -> None:
    headers = response.headers
    csp = _directives(headers["Content-Security-Policy"])
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in csp.get("default-src", [])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("no-referrer", "strict-origin-when-cross-origin")
    if hsts:
        assert int(re.search(r"max-age=(\d+)", headers["Strict-Transport-Security"])[1]) >= 31536000
    else:
        assert "Strict-Transport-Security" not in headers


@pytest.mark.parametrize(
    "path", ["/login", "/registreren", "/healthz", "/api/v1/me", "/api/v1/openapi.json", "/nope"]
)
def test_security_headers_on_pages_and_api(client, path):
    _assert_security_headers(client.get(path), hsts=False)


def test_pages_have_no_inline_scripts_or_handlers(client):
    """The CSP forbids inline scripts, so the pages must not rely on any."""
    for path in ("/login", "/registreren"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path


@pytest.fixture
def production_app(monkeypatch, database_url, redis_url, session):
    """A production app on the test database (its checks satisfied through the environment)."""
    monkeypatch.setenv("SECRET_KEY", "p" * 48)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("ALLOW_TEST_PAYMENTS", "true")
    monkeypatch.setenv("LETTER_SENDER_JSON", '{"name": "BIJ12"}')
    account = '{"name": "Provincie", "iban": "NL91ABNA0417164300", "bic": "ABNANL2A"}'
    accounts = ", ".join(f'"{code}": {account}' for code in PROVINCE_CODES)
    monkeypatch.setenv("PROVINCE_ACCOUNTS_JSON", "{" + accounts + "}")
    monkeypatch.setenv("LETTER_PROVINCES_JSON", LETTER_PROVINCES_JSON)
    for name, value in signing_env().items():
        monkeypatch.setenv(name, value)
    app = create_app(
        "production",
        {
            "SECRET_KEY": "p" * 48,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
        },
    )
    app.test_client_class = FreshContextClient
    yield app
    with app.app_context():
        db.engine.dispose()


def _set_cookie(response, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie set: {response.headers.getlist('Set-Cookie')}")


def test_production_sets_hsts_and_a_host_only_secure_session_cookie(production_app, make_user):
    user = make_user("farmer")
    client = production_app.test_client()
    base = "https://localhost"
    page = client.get("/login", base_url=base)
    _assert_security_headers(page, hsts=True)
    _assert_security_headers(client.get("/api/v1/me", base_url=base), hsts=True)
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post(
        "/login",
        base_url=base,
        data={"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token},
        headers={"Referer": f"{base}/login"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    header = _set_cookie(response, "__Host-session")
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"secure", "httponly", "samesite", "path"} <= attributes
    assert "domain" not in attributes  # __Host- cookies must be host-only
    cookie = SimpleCookie()
    cookie.load(header)
    morsel = cookie["__Host-session"]
    assert morsel["samesite"] == "Lax" and morsel["path"] == "/"
    # The new session works: the farmer's home page.
    assert client.get("/aanvragen", base_url=base).status_code == 200


def _web_post_keys(app: Flask) -> list[str]:
    return sorted(
        key for key in url_map_keys(app) if key.startswith("POST ") and " /api/" not in key
    )


def _snapshot(session, objects) -> tuple:
    """Row counts of every table and the state of the world's objects."""
    session.expire_all()
    counts = tuple(
        session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    )
    states = tuple(
        (name, getattr(obj, "status", None), getattr(obj, "version", None))
        for name, obj in sorted(objects.items())
    )
    return counts, states


def test_every_web_post_form_is_a_listed_endpoint(app):
    keys = _web_post_keys(app)
    assert keys, "no web POST endpoints found"
    assert set(keys) <= set(MATRIX)


@pytest.mark.parametrize(
    "key", sorted(k for k in MATRIX if k.startswith("POST ") and "/api/" not in k)
)
def test_web_post_without_csrf_token_is_refused_and_changes_nothing(
    key, app, session, make_user, monkeypatch, redis_conn
):
    world = build_world(key, app, session, make_user, monkeypatch)
    path = _path(key.split(" ", 1)[1], world["values"])
    # The role that may do it (if anybody logged in may, the strongest case is a logged-in one).
    allowed = [role for role in ROLES if MATRIX[key][role] == OK and role != "anonymous"]
    for role in [*allowed[:1], "anonymous"]:
        client = world["clients"][role][0]
        before = _snapshot(session, world["objects"])
        response = client.post(path, data={"note": "zonder token"})
        assert response.status_code == 400, (role, response.status_code)
        assert _snapshot(session, world["objects"]) == before, role
    # The session survived (a forged POST /logout must not log anyone out).
    if allowed:
        client = world["clients"][allowed[0]][0]
        assert client.get("/login").status_code in (200, 302)


@pytest.fixture
def limited_app(app, session, other_app):
    """An app with the login limit on, counted in memory (test runs that share a Redis
    database and flush it must not reset or add to this test's count).

    The limiter is one process-wide object whose on/off switch the last app built decides,
    so this app is built after the test app and the switch is put back afterwards.
    """
    was_enabled = limiter.enabled
    yield other_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    limiter.enabled = was_enabled


def test_web_login_is_rate_limited_with_one_message_for_unknown_and_wrong(limited_app, make_user):
    user = make_user("farmer")
    client = limited_app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    answers = []
    for attempt in range(11):
        email = user.email if attempt % 2 else f"onbekend{attempt}@example.nl"
        answers.append(
            client.post(
                "/login",
                data={"email": email, "password": "verkeerd-wachtwoord-1", "csrf_token": token},
            )
        )
    assert [a.status_code for a in answers[:10]] == [401] * 10
    for answer in answers[:10]:
        assert LOGIN_FAILED in answer.get_data(as_text=True)
    assert answers[10].status_code == 429
    assert "Retry-After" in answers[10].headers or "X-RateLimit-Reset" in answers[10].headers


def test_api_token_is_rate_limited_with_one_message_for_unknown_and_wrong(limited_app, make_user):
    user = make_user("farmer")
    client = limited_app.test_client()
    answers = []
    for attempt in range(11):
        email = user.email if attempt % 2 else f"onbekend{attempt}@example.nl"
        answers.append(
            client.post(
                "/api/v1/auth/token", json={"email": email, "password": "verkeerd-wachtwoord-1"}
            )
        )
    assert [a.status_code for a in answers[:10]] == [401] * 10
    assert {a.json["error"]["message"] for a in answers[:10]} == {LOGIN_FAILED}
    limited = answers[10]
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "rate_limited"
    assert limited.json["error"]["message"]


def _token_attempts(client, user, forwarded_for: str, count: int) -> list[int]:
    body = {"email": user.email, "password": "verkeerd-wachtwoord-1"}
    headers = {"X-Forwarded-For": forwarded_for}
    return [
        client.post("/api/v1/auth/token", json=body, headers=headers).status_code
        for _ in range(count)
    ]


@pytest.mark.parametrize("proxies", [0, 1])
def test_rate_limit_counts_per_client_behind_trusted_proxies_only(
    app, session, other_app, make_user, proxies
):
    """Behind the load balancer each farmer has their own count; a forged header gains nothing."""
    was_enabled = limiter.enabled
    try:
        limited = other_app(
            RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", TRUSTED_PROXIES=proxies
        )
        user = make_user("farmer")
        client = limited.test_client()
        assert _token_attempts(client, user, "198.51.100.7", 10) == [401] * 10
        other_client = _token_attempts(client, user, "198.51.100.8", 1)
    finally:
        limiter.enabled = was_enabled
    assert other_client == ([401] if proxies else [429])


@pytest.mark.parametrize("password", ["kort-1", "alleenmaarletters", "123456789012345"])
def test_weak_passwords_are_refused_at_registration(client, password):
    api = client.post("/api/v1/register", json=registration(password=password))
    assert api.status_code == 422
    message = api.json["error"]["fields"]["password"][0]
    assert message == policy_problem(password)
    page = client.get("/registreren")
    form = registration(password=password, email="web@boerderij.nl", kvk="07654321")
    form["password_confirm"] = form["confirm"] = password
    form["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
    web = client.post("/registreren", data=form)
    assert web.status_code == 422
    assert message in web.get_data(as_text=True)


def test_no_personal_data_in_logs(client, session, caplog, monkeypatch, app, run_worker):
    caplog.set_level(logging.DEBUG)
    body = registration(email="privacy@boerderij.nl", iban="NL20 INGB 0001 2345 67")
    assert client.post("/api/v1/register", json=body).status_code == 202
    client.post("/api/v1/auth/token", json={"email": body["email"], "password": "fout-" + PASSWORD})
    client.post("/api/v1/auth/token", json={"email": "nobody@example.nl", "password": PASSWORD})
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"email": body["email"], "password": "fout-wachtwoord-9", "csrf_token": token},
    )
    # A mail that cannot be delivered: nothing listens on the SMTP port; the job fails.
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    claim = make_claim(session)
    notify(NotificationKind.SUBMITTED, claim)
    session.commit()
    run_worker()

    texts = []
    for record in caplog.records:
        texts.append(record.getMessage())
        if record.exc_info:
            texts.append(caplog.handler.format(record))
    if os.environ.get("SHOW_LOGS"):
        print("\n".join(f"{r.name}: {r.getMessage()[:150]}" for r in caplog.records))
    assert any("failed" in text.lower() or "error" in text.lower() for text in texts), texts
    leaks = [
        (record_text[:200], found)
        for record_text in texts
        for found in _EMAIL.findall(record_text) + _IBAN.findall(record_text)
    ]
    assert not leaks
    secrets = (body["email"], body["iban"], "NL20INGB0001234567", claim.farmer.user.email)
    for secret in secrets:
        assert not any(secret in text for text in texts)
