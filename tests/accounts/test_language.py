"""The language switch: Dutch by default; English for the session, and stored with the account
of a logged-in user, so that the next login (any browser) and the e-mails use it."""

from __future__ import annotations

from faunaschade.models import User
from tests.support.app import DEMO_PASSWORD, csrf_token_from


def _switch(client, lang: str, back: str = "/login") -> None:
    token = csrf_token_from(client.get(back).get_data(as_text=True))
    answer = client.post(f"/taal/{lang}", data={"csrf_token": token, "next": back})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(back)


def _stored(session, user) -> str:
    session.expire_all()  # the request committed through its own session
    return session.get(User, user.id).locale


def _log_in(client, user) -> None:
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    answer = client.post(
        "/login", data={"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 302


def test_a_logged_in_users_choice_is_stored_and_used_at_the_next_login(app, session, farmer):
    first = app.test_client()
    _log_in(first, farmer)
    _switch(first, "en", "/percelen")
    assert _stored(session, farmer) == "en"
    assert ">My parcels</h1>" in first.get("/percelen").get_data(as_text=True)

    other_browser = app.test_client()
    assert 'lang="nl"' in other_browser.get("/login").get_data(as_text=True)  # not logged in
    _log_in(other_browser, farmer)
    html = other_browser.get("/percelen").get_data(as_text=True)
    assert 'lang="en"' in html and ">My parcels</h1>" in html

    _switch(other_browser, "nl", "/percelen")
    assert _stored(session, farmer) == "nl"
    assert ">Mijn percelen</h1>" in other_browser.get("/percelen").get_data(as_text=True)


def test_a_choice_before_logging_in_wins_over_the_stored_one(app, session, farmer):
    farmer.locale = "en"
    session.flush()
    client = app.test_client()
    _switch(client, "nl")
    _log_in(client, farmer)
    assert 'lang="nl"' in client.get("/percelen").get_data(as_text=True)


def test_an_unknown_language_changes_nothing(client, farmer):
    _switch(client, "de")
    assert 'lang="nl"' in client.get("/login").get_data(as_text=True)
