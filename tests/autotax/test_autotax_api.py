"""Autotax through the API: registering before and after the deadline, hostile input named by
field, withdrawing, and an officer's run, batch and four eyes; `flask autotax` as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from faunaschade.autotax import registrations
from faunaschade.models import AutotaxRegistration, AutotaxRun, Claim
from tests.support.app import ROOT
from tests.support.autotax import YEAR, foraging_area, outlined_parcel, world
from tests.support.gis import rd_box

NEXT = YEAR + 1  # registration for damage year 2027 closes on 15 March 2027


@pytest.fixture
def farm(session, make_user):
    foraging_area(session)
    user = make_user("farmer")
    inside = outlined_parcel(session, user, "Noord", rd_box(180_100, 570_100, 200, 100))
    return {"user": user, "inside": inside}


def _register(client, headers, parcel_ids, year=NEXT, province="FR"):
    return client.post(
        "/api/v1/autotax/registrations",
        json={"province": province, "damage_year": year, "parcel_ids": parcel_ids},
        headers=headers,
    )


def test_a_farmer_registers_before_the_deadline_and_withdraws(client, api_token, farm):
    headers = api_token(farm["user"])
    answer = _register(client, headers, [farm["inside"].id])
    assert answer.status_code == 201, answer.json
    [made] = answer.json
    assert (made["parcel_name"], made["deadline"]) == ("Noord", f"{NEXT}-03-15")
    again = _register(client, headers, [farm["inside"].id])
    assert again.status_code == 422
    assert "al aangemeld" in again.json["error"]["fields"]["parcel_ids[0]"][0]
    listed = client.get("/api/v1/autotax/registrations", headers=headers)
    assert [r["id"] for r in listed.json] == [made["id"]]
    gone = client.post(f"/api/v1/autotax/registrations/{made['id']}/withdraw", headers=headers)
    assert gone.status_code == 200
    assert client.get("/api/v1/autotax/registrations", headers=headers).json == []


def test_after_the_deadline_the_field_names_it(client, api_token, farm, monkeypatch, session):
    headers = api_token(farm["user"])
    monkeypatch.setattr(registrations, "today", lambda: date(NEXT, 3, 16))
    late = _register(client, headers, [farm["inside"].id])
    assert late.status_code == 422
    assert late.json["error"]["fields"]["damage_year"] == [
        f"De aanmelding voor autotax in Fryslân voor schadejaar {NEXT} sloot op 15 maart {NEXT}."
    ]
    assert session.scalar(select(func.count()).select_from(AutotaxRegistration)) == 0
    # A registration made in time cannot be withdrawn after the deadline.
    monkeypatch.setattr(registrations, "today", lambda: date(NEXT, 3, 15))
    made = _register(client, headers, [farm["inside"].id]).json[0]
    monkeypatch.setattr(registrations, "today", lambda: date(NEXT, 3, 16))
    refused = client.post(f"/api/v1/autotax/registrations/{made['id']}/withdraw", headers=headers)
    assert refused.status_code == 409
    assert "sloot op 15 maart" in refused.json["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"province": "XX", "damage_year": NEXT, "parcel_ids": [1]}, "province"),
        ({"province": "DR", "damage_year": NEXT, "parcel_ids": [1]}, "province"),
        ({"province": "FR", "damage_year": "2027", "parcel_ids": [1]}, "damage_year"),
        ({"province": "FR", "damage_year": 10**400, "parcel_ids": [1]}, "damage_year"),
        ({"province": "FR", "damage_year": True, "parcel_ids": [1]}, "damage_year"),
        ({"province": "FR", "damage_year": 2099, "parcel_ids": [1]}, "damage_year"),
        ({"province": "FR", "damage_year": NEXT, "parcel_ids": []}, "parcel_ids"),
        ({"province": "FR", "damage_year": NEXT, "parcel_ids": ["1"]}, "parcel_ids[0]"),
        ({"province": "FR", "damage_year": NEXT, "parcel_ids": [2**40]}, "parcel_ids[0]"),
        ({"province": "FR", "damage_year": NEXT, "parcel_ids": list(range(1, 600))}, "parcel_ids"),
        ({"province": "FR", "damage_year": NEXT, "parcel_ids": [999999]}, "parcel_ids[0]"),
        ({"province": "FR", "damage_year": NEXT, "parcel_ids": [1], "x": 1}, "x"),
    ],
)
def test_hostile_input_is_named_by_field(client, api_token, farm, body, field):
    answer = client.post(
        "/api/v1/autotax/registrations", json=body, headers=api_token(farm["user"])
    )
    assert answer.status_code == 422, answer.json
    assert field in answer.json["error"]["fields"], answer.json


def test_parcels_without_outline_rented_or_elsewhere_are_named(client, api_token, farm, session):
    user = farm["user"]
    bare = outlined_parcel(session, user, "Kaal", rd_box(180_300, 570_300, 100, 100))
    bare.geometry = None
    rented = outlined_parcel(session, user, "Huur", rd_box(180_500, 570_300, 100, 100))
    rented.tenure = "rent"
    elsewhere = outlined_parcel(session, user, "Elders", rd_box(180_700, 570_300, 100, 100))
    elsewhere.province = "GR"
    session.flush()
    answer = _register(
        client, api_token(user), [farm["inside"].id, bare.id, rented.id, elsewhere.id, bare.id]
    )
    fields = answer.json["error"]["fields"]
    assert "geen omtrek" in fields["parcel_ids[1]"][0]
    assert "gehuurd" in fields["parcel_ids[2]"][0]
    assert "ligt in Groningen, niet in Fryslân" in fields["parcel_ids[3]"][0]
    assert "twee keer" in fields["parcel_ids[4]"][0]
    assert "parcel_ids[0]" not in fields
    assert session.scalar(select(func.count()).select_from(AutotaxRegistration)) == 0


def test_an_officer_runs_autotax_and_a_second_officer_approves_the_batch(
    client, api_token, session, make_user, monkeypatch
):
    world(session, make_user, monkeypatch)
    a, b = make_user("officer", provinces=("FR",)), make_user("officer", provinces=("FR",))
    assessor = make_user("assessor")
    bad = client.post(
        "/api/v1/autotax/runs",
        json={"province": "FR", "damage_year": YEAR, "sample_pct": "150", "seed": -1},
        headers=api_token(a),
    )
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"sample_pct", "seed"}
    started = client.post(
        "/api/v1/autotax/runs",
        json={
            "province": "FR",
            "damage_year": YEAR,
            "seed": 7,
            "sample_pct": "10",
            "review_above": "5000",
            "assessor_email": assessor.email,
        },
        headers=api_token(a),
    )
    assert started.status_code == 201, started.json
    run = started.json
    assert (run["seed"], run["sample_pct"], len(run["claims"])) == (7, "10.00", 10)
    assert run["sample"] == [c["claim_id"] for c in run["claims"] if c["sampled"]]
    twice = client.post(
        "/api/v1/autotax/runs",
        json={"province": "FR", "damage_year": YEAR, "assessor_email": assessor.email},
        headers=api_token(b),
    )
    assert twice.status_code == 409 and twice.json["error"]["code"] == "already_run"
    proposed = client.post(f"/api/v1/autotax/runs/{run['id']}/batch", headers=api_token(a))
    assert proposed.status_code == 201
    [batch] = proposed.json["batches"]
    assert batch["status"] == "open" and len(batch["claims"]) == 10 - len(run["sample"])
    own = client.post(f"/api/v1/autotax/runs/{run['id']}/batch/approve", headers=api_token(a))
    assert own.status_code == 403 and own.json["error"]["code"] == "four_eyes"
    done = client.post(f"/api/v1/autotax/runs/{run['id']}/batch/approve", headers=api_token(b))
    assert done.status_code == 200
    assert done.json["batches"][0]["approved_by"] == b.id
    decided = {c["claim_id"]: c["status"] for c in done.json["claims"]}
    assert {decided[i] for i in batch["claims"]} == {"decided"}
    assert {decided[i] for i in run["sample"]} == {"assessment_ordered"}


def _flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [str(os.path.join(os.path.dirname(sys.executable), "flask")), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=180,
        check=False,
    )


def test_flask_autotax_run_and_sample_as_processes(committed, database_url, monkeypatch):
    from faunaschade.extensions import db

    with committed.app_context():
        from faunaschade.accounts.users import create_user
        from faunaschade.models import Role
        from tests.support.app import DEMO_PASSWORD

        counter = iter(range(1, 100))

        def make_user(role, provinces=()):
            n = next(counter)
            user = create_user(f"cli-{role}{n}@example.nl", DEMO_PASSWORD, Role(role), provinces)
            if role == "farmer":
                from faunaschade.models import FarmerProfile

                db.session.add(
                    FarmerProfile(
                        user_id=user.id,
                        name=f"Boer {n}",
                        kvk=f"{n:08d}",
                        iban="NL91ABNA0417164300",
                        address="Dijk 1",
                        postcode="1234 AB",
                        city="Joure",
                    )
                )
            db.session.flush()
            return user

        world(db.session, make_user, monkeypatch)
        make_user("officer", ("FR",))
        make_user("assessor")
        db.session.commit()
    officer, assessor = "cli-officer4@example.nl", "cli-assessor5@example.nl"
    bad = _flask(
        database_url,
        "autotax",
        "run",
        "--province",
        "FR",
        "--year",
        str(YEAR),
        "--officer",
        officer,
        "--sample-pct",
        "NaN",
    )
    assert bad.returncode == 2 and "--sample-pct" in bad.stderr, bad.stderr
    done = _flask(
        database_url,
        "autotax",
        "run",
        "--province",
        "FR",
        "--year",
        str(YEAR),
        "--officer",
        officer,
        "--assessor",
        assessor,
        "--seed",
        "42",
    )
    assert done.returncode == 0, done.stderr
    assert "10 claims from 11 registrations" in done.stdout
    assert "sample: seed 42" in done.stdout
    with committed.app_context():
        run_id = db.session.scalar(select(AutotaxRun.id))
        assert db.session.scalar(select(func.count()).where(Claim.autotax.is_(True))) == 10
    same = _flask(database_url, "autotax", "sample", str(run_id))
    assert same.returncode == 0 and "same as recorded" in same.stdout
    other = _flask(database_url, "autotax", "sample", str(run_id), "--seed", "1")
    assert other.returncode == 1 and "differs" in other.stdout
    again = _flask(
        database_url,
        "autotax",
        "run",
        "--province",
        "FR",
        "--year",
        str(YEAR),
        "--officer",
        officer,
        "--assessor",
        assessor,
    )
    assert again.returncode == 1 and "al uitgevoerd" in again.stderr
