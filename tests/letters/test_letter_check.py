"""The public letter check never holds a web worker: an upload that is byte for byte a stored
letter is answered at once; any other is checked by the worker (pyHanko in a child process)
and the answer is polled under an unguessable token, kept about an hour."""

from __future__ import annotations

import hashlib
import io
import threading
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select, update

from faunaschade.accounts.users import create_user
from faunaschade.extensions import db
from faunaschade.jobs import system
from faunaschade.jobs.core import enqueue
from faunaschade.letters import checks
from faunaschade.letters.operations import request_letter
from faunaschade.letters.rendering import render_letter
from faunaschade.models import (
    FarmerProfile,
    JobRecord,
    JobStatus,
    LetterCheck,
    LetterCheckStatus,
    LetterKind,
    Role,
)
from faunaschade.models.base import utcnow
from faunaschade.storage import read_bytes
from tests.letters.test_letters import claim, farmer, make_claim, receipt  # noqa: F401
from tests.support.app import DEMO_PASSWORD

NESTED = b"%PDF-1.7\n" + b"[" * 100_000


@pytest.fixture
def signed(receipt):  # noqa: F811
    """The receipt's stored bytes, rendered and signed by a real rq worker."""
    return read_bytes(receipt.file_id)


def _edited(pdf: bytes) -> bytes:
    edited = bytearray(pdf)
    edited[5000] ^= 0x01
    return bytes(edited)


def _post(client, data: bytes):
    return client.post(
        "/api/v1/letters/verify",
        data={"file": (io.BytesIO(data), "brief.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )


def _check_row(session, token: str) -> LetterCheck:
    session.expire_all()
    return session.scalar(select(LetterCheck).where(LetterCheck.token == token))


def test_a_stored_letter_is_answered_at_once_without_the_worker(client, session, signed):
    answer = _post(client, signed)
    assert answer.status_code == 200
    assert answer.json["status"] == "done"
    assert answer.json["result"]["outcome"] == "ours_unchanged"
    token = answer.json["id"]
    # No job, nothing of the file kept; the answer can be read again under its token.
    assert session.scalar(select(JobRecord).where(JobRecord.name == checks.CHECK_JOB)) is None
    row = _check_row(session, token)
    assert row.status == LetterCheckStatus.DONE and row.pdf is None
    assert row.sha256 == hashlib.sha256(signed).hexdigest()
    again = client.get(f"/api/v1/letters/verify/{token}")
    assert again.status_code == 200 and again.json == answer.json


def test_any_other_upload_is_queued_and_polled(client, session, signed, run_worker):
    answer = _post(client, _edited(signed))
    assert answer.status_code == 202
    token = answer.json["id"]
    assert len(token) >= 43  # 256 random bits, URL-safe
    assert answer.headers["Location"].endswith(f"/api/v1/letters/verify/{token}")
    assert answer.headers["Retry-After"] == "1"
    assert answer.json == {"id": token, "status": "pending", "result": None}
    job = session.scalar(select(JobRecord).where(JobRecord.name == checks.CHECK_JOB))
    assert job.queue == "checks" and job.kwargs == {"check_id": _check_row(session, token).id}
    assert _check_row(session, token).pdf == _edited(signed)  # kept until checked

    polled = client.get(answer.headers["Location"])
    assert polled.json["status"] == "pending" and polled.headers["Cache-Control"] == "no-store"
    run_worker()
    done = client.get(answer.headers["Location"]).json
    assert done["status"] == "done" and done["result"]["outcome"] == "changed"
    row = _check_row(session, token)
    assert row.pdf is None and row.checked_at is not None  # the file is gone once checked
    # Another upload gets another token.
    assert _post(client, _edited(signed)).json["id"] != token


def test_the_worker_finds_a_genuine_letter_ours_and_unchanged(client, session, signed, run_worker):
    # The shortcut would answer this one at once; through the worker, pyHanko's validator
    # gives the same verdict.
    row = LetterCheck(
        token="genuine-through-the-worker",
        sha256=hashlib.sha256(signed).hexdigest(),
        pdf=signed,
        status=LetterCheckStatus.PENDING,
    )
    session.add(row)
    session.flush()
    enqueue(checks.CHECK_JOB, f"letter-check-{row.id}", check_id=row.id)
    session.commit()
    run_worker()
    result = client.get("/api/v1/letters/verify/genuine-through-the-worker").json["result"]
    assert result["outcome"] == "ours_unchanged" and result["intact"] is True
    assert result["letter"]["kenmerk"] == "FS-2025-000123-O1"
    assert result["signed_at"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "Kies een PDF-bestand"),
        (b"\x00\xff" * 300, "geen PDF-bestand"),
        (b"%PDF-1.7\n" + b" " * 2000, "te groot"),
    ],
    ids=["empty", "binary-not-a-pdf", "too-big"],
)
def test_hostile_uploads_are_refused_before_anything_is_stored(
    app, client, session, data, expected
):
    app.config["LETTER_VERIFY_MAX_BYTES"] = 1024
    try:
        answer = _post(client, data)
    finally:
        app.config["LETTER_VERIFY_MAX_BYTES"] = 5 * 1024 * 1024
    assert answer.status_code == 422
    assert expected in " ".join(answer.json["error"]["fields"]["file"])
    assert session.scalar(select(LetterCheck)) is None
    assert session.scalar(select(JobRecord)) is None


def test_unknown_ids_are_404_and_old_checks_are_purged_by_the_sweep(app, client, session):
    assert system.SWEEPS["letter_checks"] is checks.purge
    for token in ("onbekend", "x" * 500, "../../etc/passwd", "%00"):
        assert client.get(f"/api/v1/letters/verify/{token}").status_code == 404
    answer = client.get("/api/v1/letters/verify/onbekend")
    assert "wij bewaren een controle een uur" in answer.json["error"]["message"]
    token = _post(client, NESTED).json["id"]
    fresh = _post(client, NESTED).json["id"]
    row = _check_row(session, token)
    keep = app.config["LETTER_CHECK_KEEP_SECONDS"]
    session.execute(
        update(LetterCheck)
        .where(LetterCheck.id == row.id)
        .values(created_at=utcnow() - timedelta(seconds=keep + 60))
    )
    session.execute(  # its job ran long ago
        update(JobRecord)
        .where(JobRecord.id == f"letter-check-{row.id}")
        .values(status=JobStatus.FINISHED)
    )
    assert checks.purge() == 1
    assert client.get(f"/api/v1/letters/verify/{token}").status_code == 404
    assert client.get(f"/brieven/controleren/{token}").status_code == 404
    assert session.get(JobRecord, f"letter-check-{row.id}") is None
    assert client.get(f"/api/v1/letters/verify/{fresh}").json["status"] == "pending"


def test_a_check_that_breaks_says_failed_and_the_page_asks_to_try_again(
    app, client, session, run_worker
):
    token = _post(client, NESTED).json["id"]
    # The check itself breaks (here: the signing certificate cannot be read), not the file.
    app.config["LETTER_SIGNING_CERT"] = "/nonexistent/certificate.pem"
    app.config["LETTER_SIGNING_KEY"] = "/nonexistent/key.pem"
    try:
        run_worker()
    finally:
        app.config["LETTER_SIGNING_CERT"] = app.config["LETTER_SIGNING_KEY"] = None
    answer = client.get(f"/api/v1/letters/verify/{token}").json
    assert answer == {"id": token, "status": "failed", "result": None}
    assert _check_row(session, token).pdf is None
    page = client.get(f"/brieven/controleren/{token}").get_data(as_text=True)
    assert "De controle is mislukt" in page

    # A worker that died with its check: rq gave up on the job (jobs.core's sweep says so).
    other = _post(client, NESTED).json["id"]
    session.execute(
        update(JobRecord)
        .where(JobRecord.id == f"letter-check-{_check_row(session, other).id}")
        .values(status=JobStatus.FAILED)
    )
    assert client.get(f"/api/v1/letters/verify/{other}").json["status"] == "failed"


# --- over HTTP, with committed data ---------------------------------------------------------


@pytest.fixture
def committed_letter(committed) -> bytes:
    """A signed receipt, committed (for a live server and another app on the database)."""
    with committed.app_context():
        user = create_user("jan@melkvee.nl", DEMO_PASSWORD, Role.FARMER, name="Jan")
        profile = FarmerProfile(
            user_id=user.id,
            name="Melkveebedrijf Jan",
            kvk="01234567",
            iban="NL91ABNA0417164300",
            address="Dijkweg 1",
            postcode="8501 AA",
            city="Joure",
        )
        db.session.add(profile)
        db.session.flush()
        letter = request_letter(make_claim(db.session, profile.id), LetterKind.RECEIPT)
        db.session.commit()
        render_letter(letter.id)
        db.session.commit()
        return read_bytes(db.session.get(type(letter), letter.id).file_id)


def _upload(url: str, data: bytes) -> tuple[requests.Response, float]:
    began = time.perf_counter()
    answer = requests.post(
        f"{url}/api/v1/letters/verify",
        files={"file": ("brief.pdf", data, "application/pdf")},
        timeout=60,
    )
    return answer, time.perf_counter() - began


def test_a_hostile_check_holds_no_request(committed, live_server, run_worker):
    answers: dict[str, object] = {}

    def hostile() -> None:
        answers["hostile"] = _upload(live_server, NESTED)

    def other() -> None:
        answers["other"] = requests.get(f"{live_server}/brieven/controleren", timeout=60)

    threads = [threading.Thread(target=hostile), threading.Thread(target=other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    answer, posted_in = answers["hostile"]
    assert answer.status_code == 202 and answer.json()["status"] == "pending"
    assert answers["other"].status_code == 200
    # pyHanko ran in neither request: the check waits for the worker, which takes its time.
    location = answer.headers["Location"]
    assert requests.get(f"{live_server}{location}", timeout=10).json()["status"] == "pending"
    run_worker()
    done = requests.get(f"{live_server}{location}", timeout=10).json()
    assert done["status"] == "done" and done["result"]["outcome"] == "unreadable"
    with committed.app_context():
        job = db.session.scalar(select(JobRecord).where(JobRecord.name == checks.CHECK_JOB))
        checked_in = (job.finished_at - job.started_at).total_seconds()
        db.session.remove()
    assert checked_in > posted_in, (checked_in, posted_in)


def test_without_redis_the_check_runs_in_a_thread_not_in_the_request(
    committed, committed_letter, other_app
):
    app = other_app(REDIS_URL=None, JOBS_IN_PROCESS=True)
    client = app.test_client()
    answer = _post(client, _edited(committed_letter))
    assert answer.status_code == 202
    location = answer.headers["Location"]
    # The request has answered; the thread's child process (pyHanko) has not, yet.
    assert client.get(location).json["status"] == "pending"
    deadline = time.monotonic() + 60
    while (body := client.get(location).json)["status"] == "pending":
        assert time.monotonic() < deadline, "the in-process check never finished"
        time.sleep(0.2)
    assert body["status"] == "done" and body["result"]["outcome"] == "changed"
