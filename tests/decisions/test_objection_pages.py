"""The objection procedure's pages and the rest of part 4b: GET /objection (scoped), moving a
hearing (API and page), the e-mails of the receipt, invitation and postponement (also to a
representative), and the officer's forms on an objection claim — the proposal with its outcome
and corrections (refused on objection claims before), hostile input named in Dutch."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from faunaschade.clock import AMSTERDAM, today
from faunaschade.decisions import objections
from faunaschade.models import (
    AuditEvent,
    Claim,
    Letter,
    LetterKind,
    Objection,
    Proposal,
)
from faunaschade.models.base import utcnow
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.decisions import decided_by_api, pay_a_batch


@pytest.fixture
def people(make_user, api_token):
    users = {
        "farmer": make_user("farmer"),
        "other": make_user("farmer"),
        "representative": make_user("farmer"),
        "a": make_user("officer", provinces=("DR",)),
        "b": make_user("officer", provinces=("DR",)),
        "friesland": make_user("officer", provinces=("FR",)),
        "auditor": make_user("auditor", provinces=("DR",)),
        "assessor": make_user("assessor"),
    }
    return users, {name: api_token(user) for name, user in users.items()}


@pytest.fixture
def decided(client, session, people, redis_conn):
    """A claim decided through the API (A proposes, B approves); payout € 2.950,00."""
    users, tokens = people
    return decided_by_api(client, session, users, tokens, motivation="Conform.")


def _object(client, claim, tokens, who="farmer"):
    answer = client.post(
        f"/api/v1/claims/{claim.id}/objection",
        json={"text": "De schade is te laag getaxeerd."},
        headers=tokens[who],
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def _moment(day, hour=10, minute=0) -> str:
    return datetime.combine(day, time(hour, minute), AMSTERDAM).isoformat()


def _hearing(client, claim, tokens, method="post", **body):
    call = getattr(client, method)
    body = {"hearing_at": _moment(today() + timedelta(days=3)), "place": "Assen", **body}
    return call(
        f"/api/v1/claims/{claim.id}/objection/hearing",
        json={k: v for k, v in body.items() if v is not None},  # None: left out
        headers=tokens["a"],
    )


def test_get_objection_is_scoped_and_tells_terms_hearing_outcome_and_reclaims(
    client, session, people, decided
):
    _users, tokens = people
    claim = decided
    url = f"/api/v1/claims/{claim.id}/objection"
    none_yet = client.get(url, headers=tokens["farmer"])  # in scope, but no objection yet
    assert none_yet.status_code == 409 and none_yet.json["error"]["code"] == "no_objection"
    pay_a_batch(client, tokens)
    filed = _object(client, claim, tokens)
    planned = _hearing(client, claim, tokens, video_link="https://video.example.nl/1")
    assert planned.status_code == 201, planned.json

    answer = client.get(url, headers=tokens["farmer"])
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["objection"]["id"] == filed["id"] and body["objection"]["status"] == (
        "hearing_scheduled"
    )
    assert body["due"] == filed["decide_by"]
    assert body["objection"]["hearing_place"] == "Assen"
    assert body["objection"]["hearing_video_link"] == "https://video.example.nl/1"
    assert body["objected_decision"]["kenmerk"].endswith("-B1")
    assert body["resulting_decision"] is None and body["to_pay"] is None
    assert {letter["kind"] for letter in body["letters"]} == {
        "objection_receipt",
        "hearing_invitation",
    }
    # Scope: the officer and auditor of the province see it; others get 404, an assessor 403.
    for who, status in [
        ("a", 200),
        ("auditor", 200),
        ("other", 404),
        ("friesland", 404),
        ("assessor", 403),
    ]:
        assert client.get(url, headers=tokens[who]).status_code == status, who

    # Decided lower after the hearing: a reclaim, nothing more to pay.
    client.post(
        f"/api/v1/claims/{claim.id}/objection/hearing-report",
        json={"report": "Gehoord."},
        headers=tokens["a"],
    )
    objection = session.get(Objection, filed["id"])
    objection.hearing_at = utcnow() - timedelta(hours=1)  # the hearing was today
    session.flush()
    reported = client.post(
        f"/api/v1/claims/{claim.id}/objection/hearing-report",
        json={"report": "Gehoord."},
        headers=tokens["a"],
    )
    assert reported.status_code == 200, reported.json
    proposed = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json={
            "objection_outcome": "deels_gegrond",
            "motivation": "Een deel van de schade was al vergoed.",
            "corrections": [
                {"species": "wild_zwijn", "area_type": "regular", "assessed_damage": "2000.00"}
            ],
        },
        headers=tokens["a"],
    )
    assert proposed.status_code == 201, proposed.json
    approved = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    assert approved.status_code == 200, approved.json
    body = client.get(url, headers=tokens["farmer"]).json
    assert body["objection"]["outcome"] == "deels_gegrond"
    assert body["objection"]["hearing_report"] == "Gehoord."
    new = body["resulting_decision"]
    assert (
        new["kenmerk"].endswith("-B2") and new["supersedes_id"] == body["objected_decision"]["id"]
    )
    assert Decimal(body["paid_before"]) == Decimal("3250.00")  # payout and leges refund
    assert Decimal(body["to_pay"]) == Decimal("0.00")
    reclaimed = Decimal("2950.00") - Decimal(new["payout"])
    assert [(r["kind"], Decimal(r["amount"]), r["status"]) for r in body["reclaims"]] == [
        ("payout", reclaimed, "open")
    ]
    assert "objection_decision" in {letter["kind"] for letter in body["letters"]}


def test_a_representative_gets_the_objection_and_its_mails(
    client, session, people, decided, run_worker, smtp_server
):
    users, tokens = people
    claim = decided
    granted = client.post(
        "/api/v1/authorisations",
        json={"email": users["representative"].email, "claim_id": claim.id},
        headers=tokens["farmer"],
    )
    assert granted.status_code == 201, granted.json
    _object(client, claim, tokens, who="representative")
    seen = client.get(f"/api/v1/claims/{claim.id}/objection", headers=tokens["representative"])
    assert seen.status_code == 200, seen.json
    assert _hearing(client, claim, tokens).status_code == 201
    extended = client.post(
        f"/api/v1/claims/{claim.id}/objection/extension",
        json={"reason": "Advies van een tweede taxateur."},
        headers=tokens["a"],
    )
    assert extended.status_code == 200, extended.json
    session.commit()
    run_worker()
    messages = smtp_server.wait_for(7)  # the decision, and three objection mails, each twice
    objection_mails = [m for m in messages if "Besluit over" not in m["Subject"]]
    by_recipient: dict[str, list] = {}
    for message in objection_mails:
        by_recipient.setdefault(message["To"], []).append(message)
    assert set(by_recipient) == {users["farmer"].email, users["representative"].email}
    for recipient, mails in by_recipient.items():
        subjects = sorted(m["Subject"] for m in mails)
        assert len(subjects) == 3, subjects
        bodies = {
            m["Subject"]: " ".join(m.get_body(("plain",)).get_content().split()) for m in mails
        }
        receipt = next(b for s, b in bodies.items() if "is ontvangen" in s)
        invitation = next(b for s, b in bodies.items() if s.startswith("Uitnodiging hoorzitting"))
        extension = next(b for s, b in bodies.items() if "uitgesteld tot" in s)
        assert "Wij beslissen op uw bezwaar uiterlijk" in receipt
        assert "Waar: Assen" in invitation and "(Nederlandse tijd)" in invitation
        assert "De reden: Advies van een tweede taxateur." in extension
        copy = recipient == users["representative"].email
        assert ("U ontvangt dit bericht als gemachtigde van" in receipt) is copy


def test_a_hearing_is_moved_before_it_takes_place_with_a_new_invitation(
    client, session, people, decided, run_worker, pdf_text, smtp_server
):
    users, tokens = people
    claim = decided
    filed = _object(client, claim, tokens)
    # Nothing planned yet: nothing to move.
    nothing = _hearing(client, claim, tokens, method="put")
    assert nothing.status_code == 409 and nothing.json["error"]["code"] == "no_hearing"
    assert _hearing(client, claim, tokens).status_code == 201
    same = _hearing(client, claim, tokens, method="put")
    assert same.status_code == 422 and "hearing_at" in same.json["error"]["fields"]
    for body, field in [
        ({"hearing_at": "overmorgen"}, "hearing_at"),
        ({"hearing_at": _moment(today() - timedelta(days=1))}, "hearing_at"),
        ({"video_link": "javascript:alert(1)"}, "video_link"),
        ({"place": ""}, "place"),
        ({"place": "x" * 301}, "place"),
    ]:
        refused = _hearing(client, claim, tokens, method="put", **body)
        assert refused.status_code == 422, (body, refused.json)
        assert field in refused.json["error"]["fields"], (body, refused.json)
    farmer = client.put(
        f"/api/v1/claims/{claim.id}/objection/hearing",
        json={"hearing_at": _moment(today() + timedelta(days=4)), "place": "Thuis"},
        headers=tokens["farmer"],
    )
    assert farmer.status_code == 403

    moved_to = _moment(today() + timedelta(days=4), 14, 30)
    moved = _hearing(
        client,
        claim,
        tokens,
        method="put",
        hearing_at=moved_to,
        place=None,
        video_link="https://video.example.nl/7",
    )
    assert moved.status_code == 200, moved.json
    assert moved.json["hearing_place"] is None
    assert moved.json["hearing_video_link"] == "https://video.example.nl/7"
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "objection.hearing_rescheduled")
    )
    assert event.actor_id == users["a"].id
    assert datetime.fromisoformat(event.data["hearing_at"]) == datetime.fromisoformat(moved_to)
    assert datetime.fromisoformat(event.data["from"]).astimezone(AMSTERDAM).hour == 10

    invitations = session.scalars(
        select(Letter).where(Letter.kind == LetterKind.HEARING_INVITATION).order_by(Letter.id)
    ).all()
    assert [i.subject_key.split("-claim-")[1] for i in invitations] == [
        f"{claim.id}-objection-{filed['id']}",
        f"{claim.id}-objection-{filed['id']}-hearing-2",
    ]
    session.commit()
    run_worker()
    session.expire_all()
    second = session.get(Letter, invitations[1].id)
    text = " ".join(
        pdf_text(
            client.get(f"/api/v1/letters/{second.id}.pdf", headers=tokens["farmer"]).data
        ).split()
    )
    assert "Wij hebben de hoorzitting verplaatst" in text and "https://video.example.nl/7" in text
    assert "14:30" in text
    subjects = [m["Subject"] for m in smtp_server.wait_for(4)]
    assert sum(s.startswith("Hoorzitting over uw bezwaar verplaatst") for s in subjects) == 1

    # Once the hearing's moment has come it can no longer be moved.
    objection = session.get(Objection, filed["id"])
    objection.hearing_at = utcnow() - timedelta(minutes=5)
    session.commit()
    held = _hearing(client, claim, tokens, method="put")
    assert held.status_code == 409 and held.json["error"]["code"] == "hearing_held"


# --- The officer's pages -------------------------------------------------------------------


def _web(app, user):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    return client


def _post(client, claim, path, data):
    token = csrf_token_from(client.get(f"/aanvragen/{claim.id}").get_data(as_text=True))
    return client.post(f"/aanvragen/{claim.id}/{path}", data={**data, "csrf_token": token})


def _summary(html: str, summary_id: str) -> str:
    start = html.index(f'id="{summary_id}"')
    return html[start : html.index("</div>", start)]


def _proposals(session) -> int:
    return session.scalar(
        select(func.count()).select_from(Proposal).where(Proposal.status == "open")
    )


def test_the_web_proposal_works_on_an_objection_claim(app, client, session, people, decided):
    """The regression: the proposal form sent no outcome and was refused on objection claims."""
    users, tokens = people
    claim = decided
    _object(client, claim, tokens)
    web = _web(app, users["a"])
    page = web.get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert 'name="objection_outcome" value="deels_gegrond"' in page
    assert 'id="f-assessed_damage_0" name="assessed_damage_0"' in page and 'value="3200,00"' in page

    # The old form's fields only: refused in place, the outcome named in Dutch, never a 500.
    old = _post(web, claim, "voorstel", {"decision": "grant", "motivation": "Conform."})
    assert old.status_code == 422
    summary = _summary(old.get_data(as_text=True), "voorstel-errors")
    assert "Uitkomst van het bezwaar" in summary

    # Hostile amounts: each named by its component, what was typed kept, nothing stored.
    for typed in ("NaN", "1e999", "<script>alert(1)</script>", "-5", "9" * 400):
        refused = _post(
            web,
            claim,
            "voorstel",
            {"objection_outcome": "gegrond", "assessed_damage_0": typed, "motivation": "x"},
        )
        assert refused.status_code == 422, typed
        html = refused.get_data(as_text=True)
        summary = _summary(html, "voorstel-errors")
        assert 'href="#f-assessed_damage_0"' in summary and "Getaxeerde schade" in summary
        assert "<script>alert" not in html
    # Ongegrond keeps the amounts: a changed amount is refused by name.
    keeps = _post(
        web,
        claim,
        "voorstel",
        {"objection_outcome": "ongegrond", "assessed_damage_0": "5000", "motivation": "Juist."},
    )
    assert keeps.status_code == 422
    assert "Gecorrigeerde getaxeerde schade" in _summary(
        keeps.get_data(as_text=True), "voorstel-errors"
    )
    assert _proposals(session) == 0

    done = _post(
        web,
        claim,
        "voorstel",
        {
            "objection_outcome": "deels_gegrond",
            "assessed_damage_0": "4.200,00",
            "reduction_pct": "0",
            "motivation": "Facturen tonen meer schade.",
        },
    )
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    proposal = session.scalar(select(Proposal).where(Proposal.status == "open"))
    assert proposal.objection_outcome == "deels_gegrond"
    assert proposal.corrections == [
        {"species": "wild_zwijn", "area_type": "regular", "assessed_damage": "4200.00"}
    ]
    # Officer B's page shows the outcome and the difference before approving.
    page = _web(app, users["b"]).get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    effect = re.sub(r"\s+", " ", page[page.index('class="facts objection-effect"') :])
    assert "Deels gegrond" in effect and "€ 3.200,00 wordt € 4.200,00" in effect
    assert "nog niets overgemaakt; te betalen:" in effect  # the first decision was never paid


def test_the_hearing_forms_refuse_hostile_input_in_place(
    app, client, session, people, decided, monkeypatch
):
    users, tokens = people
    claim = decided
    filed = _object(client, claim, tokens)
    web = _web(app, users["a"])
    refused = _post(
        web,
        claim,
        "bezwaar/hoorzitting",
        {
            "hearing_day": "2026-13-45",
            "hearing_time": "99:99",
            "place": "x" * 301,
            "video_link": "javascript:alert(1)",
        },
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    summary = _summary(html, "hoorzitting-errors")
    for label in ("Datum van de hoorzitting", "Plaats", "Videolink"):
        assert label in summary, summary
    assert 'value="2026-13-45"' in html  # kept as typed
    bad_day = _post(
        web, claim, "bezwaar/hoorzitting", {"hearing_day": "2026-02-30", "hearing_time": "10:00"}
    )
    assert bad_day.status_code == 422
    assert "Geef een bestaande datum en tijd." in _summary(
        bad_day.get_data(as_text=True), "hoorzitting-errors"
    )
    no_place = _post(
        web,
        claim,
        "bezwaar/hoorzitting",
        {"hearing_day": (today() + timedelta(days=2)).isoformat(), "hearing_time": "09:30"},
    )
    assert no_place.status_code == 422
    assert "Geef een plaats of een videolink." in no_place.get_data(as_text=True)
    assert session.get(Objection, filed["id"]).hearing_at is None

    day = today() + timedelta(days=2)
    planned = _post(
        web,
        claim,
        "bezwaar/hoorzitting",
        {"hearing_day": day.isoformat(), "hearing_time": "09:30", "place": "Assen"},
    )
    assert planned.status_code == 302 and planned.location.endswith("#bezwaar")
    session.expire_all()
    objection = session.get(Objection, filed["id"])
    assert objection.hearing_at.astimezone(AMSTERDAM) == datetime.combine(
        day, time(9, 30), AMSTERDAM
    )
    # Moving it through the page: the same form, prefilled.
    page = web.get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert f'value="{day.isoformat()}"' in page and 'value="09:30"' in page
    moved = _post(
        web,
        claim,
        "bezwaar/hoorzitting",
        {
            "step": "reschedule",
            "hearing_day": day.isoformat(),
            "hearing_time": "11:00",
            "place": "Assen",
        },
    )
    assert moved.status_code == 302
    # The report waits for the hearing day: no form, and a forced post is refused in place.
    page = web.get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert "Het verslag van de hoorzitting legt u vast vanaf" in page
    early = _post(web, claim, "bezwaar/verslag", {"report": "Gehoord."})
    assert early.status_code == 409 and "leg het verslag daarna vast" in early.get_data(
        as_text=True
    )
    monkeypatch.setattr(objections, "today", lambda: day)
    empty = _post(web, claim, "bezwaar/verslag", {"report": "  "})
    assert empty.status_code == 422
    assert "Verslag van de hoorzitting" in _summary(empty.get_data(as_text=True), "verslag-errors")
    assert _post(web, claim, "bezwaar/verslag", {"report": "Gehoord."}).status_code == 302
    # Postponing: a reason is needed, then once.
    no_reason = _post(web, claim, "bezwaar/verdagen", {"reason": ""})
    assert no_reason.status_code == 422
    assert "Reden van de verdaging" in _summary(no_reason.get_data(as_text=True), "verdagen-errors")
    too_long = _post(web, claim, "bezwaar/verdagen", {"reason": "x" * 2001})
    assert too_long.status_code == 422
    assert _post(web, claim, "bezwaar/verdagen", {"reason": "Tweede taxatie."}).status_code == 302
    session.expire_all()
    objection = session.get(Objection, filed["id"])
    assert objection.status.value == "heard" and objection.extended_until is not None
    page = web.get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert "Beslissing op bezwaar verdagen" not in page  # once
    assert session.get(Claim, claim.id).status.value == "objection"
