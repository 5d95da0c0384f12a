"""No N+1: a page of claims costs the same number of SQL statements for 1 claim and for 50."""

import pytest
from sqlalchemy import event

from faunaschade.decisions.operations import propose_decision
from faunaschade.extensions import db
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.decisions import assessed_claim, drenthe_people


class Statements:
    """Counts the SQL statements the app sends while it is active."""

    def __init__(self, engine) -> None:
        self.engine, self.count = engine, 0

    def _seen(self, *_args) -> None:
        self.count += 1

    def __enter__(self) -> "Statements":
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def _statements(app, client, url: str, headers: dict) -> int:
    with app.app_context():
        engine = db.engine
    with Statements(engine) as counted:
        answer = client.get(url, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return counted.count


@pytest.mark.parametrize(
    ("url", "who"),
    [("/api/v1/claims?per_page=100", "farmer"), ("/api/v1/queue?per_page=100", "a")],
)
def test_a_page_costs_the_same_for_one_claim_and_for_fifty(
    app, client, session, api_token, url, who
):
    users = drenthe_people("a")
    headers = api_token(users[who])
    assessed_claim(session, users["farmer"], users["a"], users["assessor"])
    session.flush()
    one = _statements(app, client, url, headers)
    for _ in range(49):
        assessed_claim(session, users["farmer"], users["a"], users["assessor"])
    session.flush()
    fifty = _statements(app, client, url, headers)
    assert fifty == one, f"{one} statements for 1 claim, {fifty} for 50"


def _web_client(app, user):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/queue?per_page=100&awaiting_my_approval=true",
        "/behandeling?awaiting_my_approval=1",
        "/behandeling",
    ],
)
def test_the_queue_with_proposers_costs_the_same_for_one_claim_and_for_fifty(
    app, session, api_token, url
):
    """Issue 14: who proposed, the farmer's answer and "wacht op mijn akkoord" are read per
    page, not per row."""
    users = drenthe_people("a", "b")

    def proposed() -> None:
        claim = assessed_claim(session, users["farmer"], users["a"], users["assessor"])
        propose_decision(claim, users["a"], motivation="Conform taxatie.")

    proposed()
    session.flush()
    if url.startswith("/api/"):
        client, headers = app.test_client(), api_token(users["b"])
    else:
        client, headers = _web_client(app, users["b"]), {}
    one = _statements(app, client, url, headers)
    for _ in range(48):
        proposed()
    session.flush()
    many = _statements(app, client, url, headers)
    assert many == one, f"{one} statements for 1 claim, {many} for 49"
    proposed()
    session.flush()
    fifty = _statements(app, client, url, headers)
    # A full page (the page shows 50; the API was asked for 100) counts the claims that follow
    # it in the same statement (a window count): no statement more.
    assert fifty == one, f"{one} statements for 1 claim, {fifty} for 50"
    page = client.get(url, headers=headers)
    if url.startswith("/api/"):
        rows = page.get_json()["rows"]
        assert len(rows) == 50 and {r["proposed_by"] for r in rows} == {
            users["a"].name or "a@example.nl"
        }
    else:
        assert page.get_data(as_text=True).count("wacht op uw akkoord") == 50
