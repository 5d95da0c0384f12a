"""Logging in while Redis is down: the rate limiter falls back to in-memory limits, no 500."""

import pytest

from faunaschade.extensions import limiter
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.redis_server import RedisServer


@pytest.fixture
def app_with_redis_gone(other_app, tmp_path):
    server = RedisServer(str(tmp_path))
    server.start()
    was_enabled = limiter.enabled
    app = other_app(REDIS_URL=server.url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=server.url)
    server.stop()  # the operator's Redis goes away after the service started
    yield app
    limiter.enabled = was_enabled


def test_token_and_web_login_work_and_stay_limited_while_redis_is_down(
    app_with_redis_gone, make_user
):
    user = make_user("farmer")
    client = app_with_redis_gone.test_client()
    good = client.post("/api/v1/auth/token", json={"email": user.email, "password": DEMO_PASSWORD})
    assert good.status_code == 201, good.get_data(as_text=True)
    page = client.get("/login")
    assert page.status_code == 200
    token = csrf_token_from(page.get_data(as_text=True))
    web = client.post(
        "/login", data={"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert web.status_code == 302, web.get_data(as_text=True)
    wrong = [
        client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": "verkeerd-wachtwoord-1"}
        ).status_code
        for _ in range(12)
    ]
    assert 500 not in wrong and wrong[-1] == 429, wrong
