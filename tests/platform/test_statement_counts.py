"""No N+1: a page of claims costs the same number of SQL statements for 1 claim and for 50."""

import pytest
from sqlalchemy import event

from faunaschade.extensions import db
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
