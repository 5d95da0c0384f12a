"""The assessment through the API: completion → order → report → submit → letter → zienswijze."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from faunaschade.clock import today
from faunaschade.models import Assessment, AuditEvent, Claim, Letter, Zienswijze
from faunaschade.money import dutch_date
from faunaschade.rules import add_working_days, zienswijze_deadline
from tests.support.assessments import line, report_body, submitted_claim
from tests.support.farmers import jpeg_bytes


@pytest.fixture
def people(make_user, api_token):
    officer = make_user("officer", provinces=("LI",))
    assessor = make_user("assessor", name="Tim Taxateur")
    return {
        "officer": officer,
        "officer_h": api_token(officer),
        "assessor": assessor,
        "assessor_h": api_token(assessor),
        "other_assessor_h": api_token(make_user("assessor")),
        "other_officer_h": api_token(make_user("officer", provinces=("NH",))),
    }


def _order(client, claim_id, people, **body):
    body = {"assessor_email": people["assessor"].email, **body}
    response = client.post(
        f"/api/v1/claims/{claim_id}/assessment-order", json=body, headers=people["officer_h"]
    )
    assert response.status_code == 201, response.json
    return response.json["assessment_id"]


def test_completion_order_report_submit_letter_zienswijze(
    client, session, people, redis_conn, run_worker, smtp_server, pdf_text
):
    farmer, claim, parcel = submitted_claim(client)
    url = f"/api/v1/claims/{claim['id']}"
    officer = people["officer_h"]

    asked = client.post(
        f"{url}/completion-request",
        json={"message": "Stuur een foto van het perceel.\n\nEn de perceelkaart.", "days": 10},
        headers=officer,
    )
    assert asked.status_code == 200, asked.json
    assert asked.json["status"] == "incomplete"
    deadline = add_working_days(today(), 10)
    assert asked.json["deadlines"]["completion"] == deadline.isoformat()
    refused = client.post(
        f"{url}/assessment-order",
        json={"assessor_email": people["assessor"].email},
        headers=officer,
    )
    assert refused.status_code == 409

    completed = client.post(f"{url}/complete", json={"note": "Foto's toegevoegd."}, headers=farmer)
    assert completed.status_code == 200, completed.json
    assert completed.json["status"] == "submitted"
    assert completed.json["deadlines"]["completion"] is None

    ordered = client.post(
        f"{url}/assessment-order",
        json={"assessor_email": people["assessor"].email.upper(), "urgent": True},
        headers=officer,
    )
    assert ordered.status_code == 201, ordered.json
    assert ordered.json["due_on"] == add_working_days(today(), 2).isoformat()
    assert ordered.json["claim_status"] == "assessment_ordered"
    assessment_id = ordered.json["assessment_id"]

    assessor = people["assessor_h"]
    work = client.get("/api/v1/assessments", headers=assessor).json
    assert [(row["id"], row["status"], row["urgent"]) for row in work] == [
        (assessment_id, "ordered", True)
    ]
    detail = client.get(f"/api/v1/assessments/{assessment_id}", headers=assessor).json
    assert detail["claim"]["parcels"][0]["area_ha"] == "4.2000"
    assert detail["claim"]["species"] == ["brandgans", "grauwe_gans"]

    report = f"/api/v1/assessments/{assessment_id}/report"
    saved = client.put(report, json=report_body(parcel["id"]), headers=assessor)
    assert saved.status_code == 200, saved.json
    assert (saved.json["status"], saved.json["total_assessed_damage"]) == ("in_progress", "1700.00")
    two_lines = report_body(
        parcel["id"],
        line(parcel["id"]),
        line(
            parcel["id"],
            species="brandgans",
            damaged_area_ha="1.25",
            lost_quantity="1234.5",
            unit_price="0.1850",
            price_source="kwin",
        ),
    )
    saved = client.put(report, json=two_lines, headers=assessor)
    assert [row["assessed_damage"] for row in saved.json["lines"]] == ["1700.00", "228.38"]
    assert saved.json["total_assessed_damage"] == "1928.38"

    submitted = client.post(f"/api/v1/assessments/{assessment_id}/submit", headers=assessor)
    assert submitted.status_code == 200, submitted.json
    window_end = zienswijze_deadline(today())
    assert submitted.json["status"] == "submitted"
    assert submitted.json["zienswijze_deadline"] == window_end.isoformat()
    again = client.post(f"/api/v1/assessments/{assessment_id}/submit", headers=assessor)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_submitted"
    assert client.put(report, json=two_lines, headers=assessor).status_code == 409
    state = client.get(url, headers=farmer).json
    assert state["status"] == "assessed"
    assert state["deadlines"]["zienswijze"] == window_end.isoformat()
    assert state["deadlines"]["decision"] == (today() + timedelta(weeks=10)).isoformat()

    preview = client.get(f"{url}/calculation-preview", headers=officer)
    assert preview.status_code == 200, preview.json
    assert preview.json["assessed_damage"] == "1928.38"
    assert preview.json["rule_set"].startswith("LI-")
    assert [c["assessed_damage"] for c in preview.json["case"]["components"]] == [
        "228.38",
        "1700.00",
    ]
    assert [s["code"] for s in preview.json["steps"]][:3] == ["deadline", "component", "component"]

    run_worker()
    letters = client.get(f"{url}/letters", headers=farmer).json
    assert [(row["kind"], row["status"]) for row in letters] == [
        ("receipt", "ready"),
        ("completion_request", "ready"),
        ("assessment_confirmation", "ready"),
    ]
    request_pdf = pdf_text(
        client.get(f"/api/v1/letters/{letters[1]['id']}.pdf", headers=farmer).data
    )
    assert "En de perceelkaart." in request_pdf and dutch_date(deadline) in request_pdf
    assert "artikel 4:5" in request_pdf and f"{claim['reference']}-A1" in request_pdf
    confirmation = pdf_text(
        client.get(f"/api/v1/letters/{letters[2]['id']}.pdf", headers=farmer).data
    )
    for expected in (
        "Bevestiging van de taxatie",
        "€ 1.700,00",
        "€ 228,38",
        "€ 1.928,38",
        "1.234,5 kg droge stof",
        "€ 0,185 per kg droge stof",
        "2,50 ha",
        "brandgans",
        "Tim Taxateur",
        dutch_date(window_end),
        "Zienswijze geven",
    ):
        assert expected in confirmation, expected
    mails = smtp_server.wait_for(3)
    subjects = [m["Subject"] for m in mails]
    assert any("Aanvulling nodig" in s for s in subjects)
    assert any(f"reageer uiterlijk {dutch_date(window_end)}" in s for s in subjects), subjects

    answer = client.post(
        f"{url}/zienswijze",
        data={
            "text": "De schade aan de brandganzenkant is groter.",
            "file": (io.BytesIO(jpeg_bytes()), "rand.jpg"),
        },
        headers=farmer,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["attachment_id"] is not None
    twice = client.post(f"{url}/zienswijze", json={"text": "Nog iets."}, headers=farmer)
    assert twice.status_code == 409 and twice.json["error"]["code"] == "zienswijze_exists"
    seen = client.get(f"{url}/zienswijzen", headers=officer).json
    assert [row["text"] for row in seen] == ["De schade aan de brandganzenkant is groter."]
    attachment = client.get(f"{url}/attachments/{answer.json['attachment_id']}", headers=farmer)
    assert attachment.status_code == 200 and attachment.mimetype == "image/jpeg"


def test_zienswijze_after_the_window_is_refused_with_the_closing_date(
    client, session, people, monkeypatch
):
    farmer, claim, parcel = submitted_claim(client)
    assessment_id = _order(client, claim["id"], people)
    client.put(
        f"/api/v1/assessments/{assessment_id}/report",
        json=report_body(parcel["id"]),
        headers=people["assessor_h"],
    )
    client.post(f"/api/v1/assessments/{assessment_id}/submit", headers=people["assessor_h"])
    closes = zienswijze_deadline(today())

    from faunaschade.assessments import zienswijze

    monkeypatch.setattr(zienswijze, "today", lambda: closes + timedelta(days=1))
    late = client.post(
        f"/api/v1/claims/{claim['id']}/zienswijze", json={"text": "Te laat?"}, headers=farmer
    )
    assert late.status_code == 409
    assert late.json["error"]["code"] == "zienswijze_closed"
    assert f"gesloten op {dutch_date(closes)}" in late.json["error"]["message"]
    assert session.scalar(select(func.count()).select_from(Zienswijze)) == 0

    monkeypatch.setattr(zienswijze, "today", lambda: closes)
    on_the_last_day = client.post(
        f"/api/v1/claims/{claim['id']}/zienswijze", json={"text": "Net op tijd."}, headers=farmer
    )
    assert on_the_last_day.status_code == 201, on_the_last_day.json


def test_zienswijze_before_the_assessment_and_without_text(client, session, people):
    farmer, claim, _ = submitted_claim(client)
    url = f"/api/v1/claims/{claim['id']}/zienswijze"
    early = client.post(url, json={"text": "Vooraf."}, headers=farmer)
    assert early.status_code == 409 and early.json["error"]["code"] == "no_assessment"
    empty = client.post(url, json={}, headers=farmer)
    assert empty.status_code == 422 and "text" in empty.json["error"]["fields"]
    assert client.post(url, json={"text": "x"}, headers=people["officer_h"]).status_code == 403


def test_an_assessor_cannot_see_or_edit_an_assessment_not_assigned_to_them(client, session, people):
    farmer, claim, parcel = submitted_claim(client)
    assessment_id = _order(client, claim["id"], people)
    stranger = people["other_assessor_h"]
    assert client.get("/api/v1/assessments", headers=stranger).json == []
    for response in (
        client.get(f"/api/v1/assessments/{assessment_id}", headers=stranger),
        client.put(
            f"/api/v1/assessments/{assessment_id}/report",
            json=report_body(parcel["id"]),
            headers=stranger,
        ),
        client.post(f"/api/v1/assessments/{assessment_id}/submit", headers=stranger),
        client.get(f"/api/v1/claims/{claim['id']}", headers=stranger),
        client.get(f"/api/v1/assessments/{assessment_id}", headers=people["other_officer_h"]),
        client.post(
            f"/api/v1/claims/{claim['id']}/assessment-order",
            json={"assessor_email": people["assessor"].email},
            headers=people["other_officer_h"],
        ),
    ):
        assert response.status_code == 404, response.json
        assert response.json["error"]["code"] == "not_found"
    assert session.get(Assessment, assessment_id).lines == []
    put = client.put(
        f"/api/v1/assessments/{assessment_id}/report",
        json=report_body(parcel["id"]),
        headers=farmer,
    )
    assert put.status_code == 403
    assert (
        client.get(f"/api/v1/assessments/{assessment_id}", headers=people["officer_h"]).status_code
        == 200
    )


def test_report_validation_names_each_field(client, session, people):
    farmer, claim, parcel = submitted_claim(client)
    other = client.post(
        "/api/v1/parcels",
        json={"name": "Elders", "area_ha": "9", "crop": "blijvend_grasland", "tenure": "own"},
        headers=farmer,
    ).json
    assessment_id = _order(client, claim["id"], people)
    url = f"/api/v1/assessments/{assessment_id}/report"
    bad = report_body(
        parcel["id"],
        line(parcel["id"], damaged_area_ha="4.3"),
        line(parcel["id"], species="wild_zwijn"),
        line(other["id"]),
        line(parcel["id"], area_type="rustgebied", damaged_area_ha="2", lost_quantity="1"),
        line(parcel["id"], area_type="natura2000", damaged_area_ha="2.5"),
        visits=[{"date": (today() + timedelta(days=1)).isoformat()}],
    )
    response = client.put(url, json=bad, headers=people["assessor_h"])
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert "Groter dan perceel" in fields["lines[0].damaged_area_ha"][0]
    assert fields["lines[1].species"] == ["Deze diersoort staat niet op de aanvraag."]
    assert fields["lines[2].parcel_id"] == ["Dit perceel staat niet op de aanvraag."]
    assert "Samen met de andere regels" in fields["lines[4].damaged_area_ha"][0]
    assert fields["visits[0].date"] == ["Deze datum ligt in de toekomst."]

    shape = client.put(
        url,
        json=report_body(
            parcel["id"],
            line(parcel["id"], unit_price="-1", lost_quantity="0", unit="ton", colour="rood"),
        ),
        headers=people["assessor_h"],
    )
    assert shape.status_code == 422
    fields = shape.json["error"]["fields"]
    assert set(fields) == {
        "lines[0].unit_price",
        "lines[0].lost_quantity",
        "lines[0].unit",
        "lines[0].colour",
    }
    assert fields["lines[0].colour"] == ["Onbekend veld."]
    duplicate = client.put(
        url,
        json=report_body(parcel["id"], line(parcel["id"]), line(parcel["id"], damaged_area_ha="1")),
        headers=people["assessor_h"],
    )
    assert duplicate.json["error"]["fields"]["lines[1].parcel_id"] == [
        "Zelfde perceel, diersoort en gebiedstype als regel 1."
    ]
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "assessment.saved")
        )
        == 0
    )

    text = client.put(url, data="lines=…", headers=people["assessor_h"], content_type="text/plain")
    assert text.status_code == 415 and text.json["error"]["code"] == "unsupported_media_type"
    empty = client.put(url, json={"remarks": "Nog niet geweest."}, headers=people["assessor_h"])
    assert empty.status_code == 200 and empty.json["lines"] == []
    unfinished = client.post(
        f"/api/v1/assessments/{assessment_id}/submit", headers=people["assessor_h"]
    )
    assert unfinished.status_code == 422
    assert set(unfinished.json["error"]["fields"]) == {"visits", "lines"}


def test_order_validation_and_idempotency(client, session, people, make_user):
    farmer, claim, _ = submitted_claim(client)
    url = f"/api/v1/claims/{claim['id']}/assessment-order"
    for email in ("niemand@example.nl", people["officer"].email):
        wrong = client.post(url, json={"assessor_email": email}, headers=people["officer_h"])
        assert wrong.status_code == 422
        assert wrong.json["error"]["fields"] == {
            "assessor_email": ["Er is geen actieve taxateur met dit e-mailadres."]
        }
    assert client.post(url, json={}, headers=people["officer_h"]).status_code == 422
    assert (
        client.post(
            url, json={"assessor_email": people["assessor"].email}, headers=farmer
        ).status_code
        == 403
    )
    headers = {**people["officer_h"], "Idempotency-Key": "order-1"}
    body = {"assessor_email": people["assessor"].email}
    first = client.post(url, json=body, headers=headers)
    replay = client.post(url, json=body, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert first.json == replay.json and replay.headers["Idempotent-Replayed"] == "true"
    assert first.json["due_on"] == add_working_days(today(), 10).isoformat()
    second = client.post(url, json=body, headers=people["officer_h"])
    assert second.status_code == 409
    assert session.scalar(select(func.count()).select_from(Assessment)) == 1


def test_completion_request_rules_and_the_awb_term_standing_still(
    client, session, people, monkeypatch
):
    farmer, claim, _ = submitted_claim(client)
    url = f"/api/v1/claims/{claim['id']}"
    officer = people["officer_h"]
    empty = client.post(f"{url}/completion-request", json={"message": ""}, headers=officer)
    assert empty.status_code == 422 and "message" in empty.json["error"]["fields"]
    long = client.post(
        f"{url}/completion-request", json={"message": "x", "days": 99}, headers=officer
    )
    assert long.json["error"]["fields"] == {"days": ["Kies 1 tot 40 werkdagen."]}
    assert (
        client.post(f"{url}/completion-request", json={"message": "x"}, headers=farmer).status_code
        == 403
    )
    backstop = session.get(Claim, claim["id"]).backstop_deadline
    assert (
        client.post(
            f"{url}/completion-request", json={"message": "Kaart?"}, headers=officer
        ).status_code
        == 200
    )

    from faunaschade.claims import completion

    monkeypatch.setattr(completion, "today", lambda: today() + timedelta(days=3))
    done = client.post(f"{url}/complete", json={}, headers=officer)
    assert done.status_code == 200 and done.json["status"] == "submitted"
    assert done.json["deadlines"]["decision_backstop"] == (backstop + timedelta(days=3)).isoformat()
    assert client.post(f"{url}/complete", json={}, headers=farmer).status_code == 409

    second = client.post(
        f"{url}/completion-request", json={"message": "Nog een foto."}, headers=officer
    )
    assert second.status_code == 200
    kinds = session.scalars(select(Letter.subject_key).where(Letter.claim_id == claim["id"]))
    assert sorted(k for k in kinds if "completion" in k) == [
        f"completion_request-claim-{claim['id']}-request-1",
        f"completion_request-claim-{claim['id']}-request-2",
    ]


def test_preview_only_for_officers_and_auditors_in_scope(
    client, session, people, make_user, api_token
):
    auditor = api_token(make_user("auditor", provinces=("LI",)))
    farmer, claim, _ = submitted_claim(client)
    url = f"/api/v1/claims/{claim['id']}/calculation-preview"
    before = client.get(url, headers=people["officer_h"])
    assert before.status_code == 200 and before.json["assessed_damage"] == "0.00"
    assert client.get(f"{url}?reduction_pct=10", headers=auditor).status_code == 200
    assert client.get(f"{url}?reduction_pct=101", headers=auditor).status_code == 422
    assert client.get(url, headers=farmer).status_code == 403
    assert client.get(url, headers=people["other_officer_h"]).status_code == 404
    assert client.get(url, headers=people["assessor_h"]).status_code == 403


def test_a_withdrawn_claim_lets_the_order_lapse(client, session, people):
    farmer, claim, parcel = submitted_claim(client)
    assessment_id = _order(client, claim["id"], people)
    withdrawn = client.post(f"/api/v1/claims/{claim['id']}/withdraw", headers=farmer)
    assert withdrawn.json["status"] == "withdrawn"
    put = client.put(
        f"/api/v1/assessments/{assessment_id}/report",
        json=report_body(parcel["id"]),
        headers=people["assessor_h"],
    )
    assert put.status_code == 409 and put.json["error"]["code"] == "assessment_not_expected"
    listed = client.get("/api/v1/assessments", headers=people["assessor_h"]).json
    assert [(row["id"], row["claim_status"]) for row in listed] == [(assessment_id, "withdrawn")]
