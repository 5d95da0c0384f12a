"""Audit checkpoints (issue 17): the chain's head signed and published, so that deleting the
newest events — which leaves a consistent chain — shows against the last checkpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from faunaschade.audit import chain as audit
from faunaschade.audit import checkpoints
from faunaschade.documents.signing import current_signer, verify_bytes
from faunaschade.extensions import db
from faunaschade.models import AuditCheckpoint

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _events(n: int) -> None:
    for number in range(n):
        audit.record("test.checkpoint", data={"n": number})
    db.session.commit()


def test_a_checkpoint_signs_the_sealed_head(app, session):
    _events(3)
    written, new = checkpoints.write_checkpoint()
    assert new and written.seq == 3
    head = session.scalar(
        select(text("hash")).select_from(text("audit_events")).where(text("seq = 3"))
    )
    assert written.head_hash == head
    published = checkpoints.published(written)
    assert published["statement"] == f"3|{head}|{published['created_at']}"
    signer = current_signer()
    assert published["certificate_sha256"] == signer.fingerprint
    assert "BEGIN CERTIFICATE" in published["certificate"]
    assert verify_bytes(signer.certificate, published["statement"].encode(), written.signature)
    assert not verify_bytes(
        signer.certificate,
        published["statement"].replace("3|", "4|", 1).encode(),
        written.signature,
    )
    # Nothing new in the chain: no second checkpoint for the same head.
    again, new = checkpoints.write_checkpoint()
    assert again.id == written.id and not new
    _events(1)
    newer, new = checkpoints.write_checkpoint()
    assert new and newer.seq == 4


def test_the_latest_checkpoint_is_public(client, session):
    missing = client.get("/api/v1/audit/checkpoints/latest")
    assert missing.status_code == 404
    _events(2)
    checkpoints.write_checkpoint()
    session.commit()
    answer = client.get("/api/v1/audit/checkpoints/latest")
    assert answer.status_code == 200
    assert answer.json["seq"] == 2 and answer.json["algorithm"] in ("rsa-sha256", "ecdsa-sha256")
    page = client.get("/brieven/controleren").get_data(as_text=True)
    assert answer.json["head_hash"] in page


def test_checking_against_a_checkpoint_with_an_edited_signature_or_seq_fails(app, session):
    _events(2)
    written, _ = checkpoints.write_checkpoint()
    published = checkpoints.published(written)
    problems, _ = checkpoints.check_against(published)
    assert problems == []
    forged = {**published, "seq": 1}
    problems, _ = checkpoints.check_against(forged)
    assert any("signature does not verify" in p for p in problems)


def test_a_worker_thread_writes_checkpoints_at_the_interval(committed):
    with committed.app_context():
        _events(2)
    committed.config["AUDIT_CHECKPOINT_INTERVAL_SECONDS"] = 0.5
    stop = threading.Event()
    thread = threading.Thread(
        target=checkpoints.checkpoint_continuously, args=(committed, stop), daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 20
        found = None
        while time.monotonic() < deadline and found is None:
            time.sleep(0.2)
            with committed.app_context():
                found = db.session.scalar(select(AuditCheckpoint.seq))
                db.session.remove()
        assert found == 2
    finally:
        stop.set()
        thread.join(10)


def _flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "TEST_"))}
    env.update(FAUNASCHADE_ENV="test", FLASK_APP="wsgi", DATABASE_URL=database_url)
    return subprocess.run(
        [str(BIN / "flask"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.postgres_only
def test_verify_against_a_published_checkpoint_catches_the_newest_events_deleted(
    committed, database_url, tmp_path
):
    with committed.app_context():
        _events(5)
    made = _flask(database_url, "audit", "checkpoint")
    assert made.returncode == 0, made.stderr
    published = json.loads(made.stdout)
    assert published["seq"] == 5
    kept = tmp_path / "checkpoint.json"
    kept.write_text(made.stdout)

    intact = _flask(database_url, "audit", "verify", "--against", str(kept))
    assert intact.returncode == 0, intact.stderr
    assert "reaches checkpoint seq 5" in intact.stdout
    with committed.app_context():  # the chain grows past the checkpoint: still fine
        _events(2)
    assert _flask(database_url, "audit", "verify", "--against", str(kept)).returncode == 0

    with committed.app_context():  # someone with write access deletes the newest events
        db.session.execute(text("DELETE FROM audit_events WHERE seq > 3"))
        db.session.commit()
    plain = _flask(database_url, "audit", "verify")
    assert plain.returncode == 0, plain.stderr  # the known limit: a consistent, shorter chain
    assert "head seq 3" in plain.stdout
    truncated = _flask(database_url, "audit", "verify", "--against", str(kept))
    assert truncated.returncode == 1
    assert "TRUNCATED: the chain ends at seq 3, but checkpoint seq 5" in truncated.stderr
    assert "the newest 2 event(s) were deleted" in truncated.stderr
    by_id = _flask(database_url, "audit", "verify", "--against", str(published["id"]))
    assert by_id.returncode == 1 and "TRUNCATED" in by_id.stderr
    # And no new checkpoint papers over it.
    refused = _flask(database_url, "audit", "checkpoint")
    assert refused.returncode == 1 and "events were deleted" in refused.stderr


def test_verify_against_refuses_what_is_not_a_checkpoint(app, tmp_path):
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.json"
    bad.write_text('{"seq": "five"}')
    answer = runner.invoke(args=["audit", "verify", "--against", str(bad)])
    assert answer.exit_code == 2 and "not a published checkpoint" in answer.output
    answer = runner.invoke(args=["audit", "verify", "--against", "999999"])
    assert answer.exit_code == 2 and "no checkpoint with id 999999" in answer.output
