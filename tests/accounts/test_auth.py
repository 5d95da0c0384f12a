"""Login pages with sessions and CSRF, API tokens, /me, users create."""

from faunaschade.models import AuthToken, TokenKind
from tests.support.app import DEMO_PASSWORD, csrf_token_from


def _login(client, email, password):
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_login_page_has_labelled_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<label class="label" for="email">E-mailadres</label>' in html
    assert '<label class="label" for="password">Wachtwoord</label>' in html
    assert 'lang="nl"' in html


def test_login_starts_a_server_side_session_and_logout_ends_it(client, make_user, session):
    officer = make_user("officer", provinces=("FR", "NH"))
    response = _login(client, officer.email, DEMO_PASSWORD)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "Fryslân" in home.get_data(as_text=True)
    stolen = _session_cookie(client)
    logout_token = csrf_token_from(home.get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": logout_token}).status_code == 302
    tokens = session.query(AuthToken).filter_by(user_id=officer.id, kind=TokenKind.WEB).all()
    assert tokens and all(t.revoked_at is not None for t in tokens)
    # Replaying the old cookie after logout no longer works.
    client.set_cookie("session", stolen)
    assert client.get("/").status_code == 302


def test_session_id_is_rotated_at_login(client, make_user):
    user = make_user("farmer")
    _login(client, user.email, DEMO_PASSWORD)
    first = _session_cookie(client)
    _login(client, user.email, DEMO_PASSWORD)
    assert _session_cookie(client) != first


def test_same_message_for_unknown_user_and_wrong_password(client, make_user):
    user = make_user("farmer")
    wrong = _login(client, user.email, "wrong-password-123")
    unknown = _login(client, "nobody@example.nl", "wrong-password-123")
    assert wrong.status_code == unknown.status_code == 401
    assert "E-mailadres of wachtwoord onjuist." in wrong.get_data(as_text=True)
    assert "E-mailadres of wachtwoord onjuist." in unknown.get_data(as_text=True)


def test_login_form_without_csrf_token_is_refused(client, make_user):
    user = make_user("farmer")
    response = client.post("/login", data={"email": user.email, "password": DEMO_PASSWORD})
    assert response.status_code in (400, 422)
    assert client.get("/").status_code == 302


def test_api_token_and_me(client, make_user, api_token):
    officer = make_user("officer", provinces=("NH", "FR"), name="Anna")
    me = client.get("/api/v1/me", headers=api_token(officer))
    assert me.status_code == 200
    assert me.json == {
        "id": officer.id,
        "email": officer.email,
        "name": "Anna",
        "role": "officer",
        "provinces": ["FR", "NH"],
    }


def test_api_rejects_missing_bad_and_wrong_credentials(client, make_user):
    user = make_user("farmer")
    assert client.get("/api/v1/me").status_code == 401
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json["error"]["code"] == "unauthorized"
    wrong = client.post("/api/v1/auth/token", json={"email": user.email, "password": "x" * 12})
    assert wrong.status_code == 401
    assert wrong.json["error"]["message"] == "E-mailadres of wachtwoord onjuist."


def test_a_token_works_only_while_unexpired_unrevoked_of_its_kind_and_its_user_active(
    client, session, make_user
):
    """The look-up asks the token's kind, expiry and revocation and the user's being active
    in its WHERE (issue 13): each of them alone refuses the token."""
    from datetime import timedelta

    from faunaschade.accounts.users import issue_token
    from faunaschade.models.base import utcnow

    user = make_user("officer", provinces=("FR",))

    def works(raw: str) -> bool:
        session.commit()
        return (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
        )

    def token(kind: TokenKind = TokenKind.API) -> tuple[str, AuthToken]:
        raw = issue_token(user, kind, hours=1)
        session.flush()
        return raw, session.query(AuthToken).order_by(AuthToken.id.desc()).first()

    raw, row = token()
    assert works(raw)
    row.expires_at = utcnow() - timedelta(seconds=1)
    assert not works(raw)
    raw, row = token()
    row.revoked_at = utcnow()
    assert not works(raw)
    raw, _row = token(TokenKind.WEB)
    assert not works(raw)
    raw, _row = token()
    assert works(raw)
    user.active = False
    assert not works(raw)
    user.active = True
    assert works(raw)


def test_api_ignores_the_session_cookie(client, make_user):
    user = make_user("farmer")
    _login(client, user.email, DEMO_PASSWORD)
    assert client.get("/api/v1/me").status_code == 401


def test_passwords_are_stored_as_argon2(make_user):
    assert make_user("farmer").password_hash.startswith("$argon2id$")


def test_users_create_command(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "ambtenaar@example.nl",
            "--role",
            "officer",
            "--province",
            "NH",
            "--province",
            "UT",
            "--password-stdin",
        ],
        input="a-long-password-123\n",
    )
    assert result.exit_code == 0, result.output
    assert "role=officer provinces=NH, UT" in result.output
    bad = runner.invoke(
        args=["users", "create", "x@example.nl", "--role", "officer", "--password-stdin"],
        input="short\n",
    )
    assert bad.exit_code == 2
    assert "password" in bad.output and "provinces" in bad.output


def test_interface_switches_to_english(client):
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    client.post("/taal/en", data={"csrf_token": token, "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in html
    assert ">E-mail address</label>" in html and ">Log in</button>" in html
