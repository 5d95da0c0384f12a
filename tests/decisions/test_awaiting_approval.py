"""'Wacht op mijn akkoord' (issue 14): the proposals of another officer that I may approve,
and who proposed each claim in the queue."""

from datetime import timedelta

from faunaschade.clock import today
from faunaschade.decisions.operations import propose_decision
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.decisions import assessed_claim


def _web(app, user):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    return client


def test_only_proposals_of_another_officer_wait_for_my_approval(
    app, client, session, make_user, api_token
):
    farmer, assessor = make_user("farmer"), make_user("assessor")
    anna = make_user("officer", provinces=("DR",), name="Anna A")
    bert = make_user("officer", provinces=("DR",), name="Bert B")
    by_anna = assessed_claim(session, farmer, anna, assessor)
    by_bert = assessed_claim(session, farmer, anna, assessor)
    unproposed = assessed_claim(session, farmer, anna, assessor)
    unproposed.zienswijze_deadline = today() + timedelta(days=3)
    propose_decision(by_anna, anna)
    propose_decision(by_bert, bert)
    session.flush()

    def waiting(officer) -> list[str]:
        rows = client.get(
            "/api/v1/queue?awaiting_my_approval=true", headers=api_token(officer)
        ).json["rows"]
        return [(row["reference"], row["proposed_by"]) for row in rows]

    assert waiting(bert) == [(by_anna.reference, "Anna A")]
    assert waiting(anna) == [(by_bert.reference, "Bert B")]
    everything = client.get("/api/v1/queue", headers=api_token(bert)).json["rows"]
    assert {r["reference"]: r["proposed_by"] for r in everything} == {
        by_anna.reference: "Anna A",
        by_bert.reference: "Bert B",
        unproposed.reference: None,
    }

    page = _web(app, bert).get("/behandeling?awaiting_my_approval=1").get_data(as_text=True)
    assert by_anna.reference in page and by_bert.reference not in page
    assert "Anna A" in page and "wacht op uw akkoord" in page
    assert '<strong aria-current="page">Wacht op mijn akkoord</strong>' in page
    own = _web(app, bert).get("/behandeling").get_data(as_text=True)
    assert "(uw voorstel)" in own and unproposed.reference in own
