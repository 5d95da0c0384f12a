"""The chain sealed after the commit: events written without a lock, sealed in order, and
verification that still catches an edited (also before its seal), inserted or deleted event."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from faunaschade.audit import chain as audit
from faunaschade.extensions import db
from faunaschade.jobs import sweep
from faunaschade.models import AuditEvent

HOSTILE = [
    "",
    "-",
    "5:abc,",
    "a|b|c",
    'quote " and \\ backslash',
    "regel\neen\r\ntwee\ttab",
    "ĳsvogel café – “aanhalingstekens” 🦢",
    "\u2028\u2029\x7f",
    "0",
    None,
]


def _sealed(session) -> list[AuditEvent]:
    return session.scalars(select(AuditEvent).where(AuditEvent.seq.is_not(None))).all()


def test_an_event_waits_for_the_commit_and_is_sealed_after_it(session):
    event = audit.record("test.one", data={"n": 1})
    assert (event.seq, event.prev_hash, event.hash) == (None, None, None)
    assert event.content_hash == audit.event_content_hash(event)
    session.commit()
    assert event.seq is not None and event.hash == audit.link_hash(
        event.seq, event.prev_hash, event.content_hash
    )
    assert audit.pending().count == 0


def test_a_rolled_back_event_leaves_nothing_to_seal(session):
    audit.record("test.gone")
    session.rollback()
    assert session.scalar(select(func.count()).where(AuditEvent.action == "test.gone")) == 0


@pytest.mark.parametrize("reason", HOSTILE)
def test_any_text_hashes_alike_here_and_in_the_database(session, reason):
    """The content text is built in Python on writing and in SQL by `verify` on PostgreSQL:
    hostile text must come out the same in both, or an intact chain would read as edited."""
    audit.record(
        "test.hostile",
        claim_id=None,
        from_status=reason and reason[:32],
        reason=reason,
        data={"tekst": reason, "bedrag": Decimal("12.50"), "dag": date(2025, 2, 3), "n": [1, 2]},
    )
    session.commit()
    report = audit.verify()
    assert report.intact, report.problems
    assert audit._verify_here(1000).intact


def test_an_event_edited_before_its_seal_is_caught(session):
    audit.record("test.before", reason="origineel")
    session.flush()
    # Someone with database access changes it between the write and the seal.
    session.execute(text("UPDATE audit_events SET reason = 'vervalst' WHERE reason = 'origineel'"))
    session.commit()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "test.before"))
    assert event.seq is not None  # it was sealed all the same, with its original content hash
    report = audit.verify()
    assert [p for p in report.problems if "edited" in p] == [
        f"event seq {event.seq} (id {event.id}): content was edited"
    ]


def test_an_unsealed_event_edited_is_caught_too(session):
    audit.record("test.unsealed", reason="origineel")
    session.flush()
    session.execute(text("UPDATE audit_events SET reason = 'vervalst' WHERE reason = 'origineel'"))
    report = audit.verify()
    assert report.unsealed >= 1
    assert any("awaiting its seal" in p and "edited" in p for p in report.problems)


def _three_sealed(session) -> list[AuditEvent]:
    for n in range(3):
        audit.record("test.chain", data={"n": n})
    session.commit()
    return session.scalars(
        select(AuditEvent).where(AuditEvent.action == "test.chain").order_by(AuditEvent.seq)
    ).all()


def test_an_event_inserted_in_the_chain_is_caught(session):
    first, middle, _last = _three_sealed(session)
    place, moved = middle.seq, middle.id
    # Make room at the middle's place and put a well-formed forged event there: its content
    # hash and link are right, but the event after it cannot point at it without being edited.
    session.execute(
        text("UPDATE audit_events SET seq = seq + 1000000 WHERE seq >= :s"), {"s": middle.seq}
    )
    session.execute(text("UPDATE audit_events SET seq = seq - 999999 WHERE seq > 1000000"))
    forged = audit.record("test.forged", reason="vals")
    session.flush()
    link = audit.link_hash(middle.seq, first.hash, forged.content_hash)
    session.execute(
        text("UPDATE audit_events SET prev_hash = :p WHERE id = :id"),
        {"p": link, "id": middle.id},
    )
    session.execute(
        text("UPDATE audit_events SET seq = :s, prev_hash = :p, hash = :h WHERE id = :id"),
        {"s": middle.seq, "p": first.hash, "h": link, "id": forged.id},
    )
    session.info.pop("audit_recorded", None)
    session.expire_all()
    problems = audit.verify().problems
    assert f"event seq {place + 1} (id {moved}): its place in the chain was edited" in problems


def test_an_event_deleted_from_the_chain_is_caught(session):
    _first, middle, _last = _three_sealed(session)
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": middle.id})
    problems = audit.verify().problems
    assert f"event seq {middle.seq} missing before seq {middle.seq + 1} (deleted?)" in problems


@pytest.mark.postgres_only
def test_postgres_and_python_verification_agree_on_a_tampered_chain(session):
    first, middle, last = _three_sealed(session)
    session.execute(text("UPDATE audit_events SET action = 'x' WHERE id = :id"), {"id": first.id})
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": middle.id})
    session.execute(
        text("UPDATE audit_events SET hash = md5('x') || md5('y') WHERE id = :id"), {"id": last.id}
    )
    in_sql, in_python = audit.verify(), audit._verify_here(1000)
    assert in_sql.problems and sorted(in_sql.problems) == sorted(in_python.problems)
    assert (in_sql.checked, in_sql.head) == (in_python.checked, in_python.head)


def test_a_process_that_died_before_its_seal_is_sealed_by_the_sweep(session, client):
    audit.record("test.orphan")
    session.info.pop("audit_recorded")  # as if the process died right after its commit
    session.commit()
    assert audit.pending().count == 1
    health = client.get("/healthz").get_json()["audit"]
    assert health["unsealed"] == 1 and health["ok"] is True and health["seal_lag_seconds"] >= 0
    sweep()
    assert audit.pending().count == 0
    assert client.get("/healthz").get_json()["audit"]["unsealed"] == 0


@pytest.mark.postgres_only
def test_concurrent_writers_never_wait_for_each_other_and_all_end_up_sealed(committed):
    """Eight writers commit events at the same moment; nobody calls seal() afterwards: the
    sealer that held the lock looks again after letting go, so none is left unsealed."""
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with committed.app_context():
                start.wait()
                for i in range(25):
                    audit.record("test.parallel", data={"writer": n, "i": i})
                    db.session.commit()
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    with committed.app_context():
        seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        assert audit.pending().count == 0
        assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 200
        assert audit.verify().intact


def test_with_the_workers_sealing_a_request_leaves_its_events_to_them(committed, other_app):
    """AUDIT_SEALER=worker (production): the commit does not seal; flask worker's sealer does."""
    app = other_app(AUDIT_SEALER="worker", AUDIT_SEAL_INTERVAL_SECONDS=0.05)
    with app.app_context():
        audit.record("test.worker_sealed")
        db.session.commit()
        assert audit.pending().count == 1
    stop = threading.Event()
    sealer = threading.Thread(target=audit.seal_continuously, args=(app, stop))
    sealer.start()
    try:
        with app.app_context():
            for _ in range(200):  # a bound, not a timing: it seals on its first round
                if audit.pending().count == 0:
                    break
                db.session.rollback()
                stop.wait(0.05)
            assert audit.pending().count == 0 and audit.verify().intact
    finally:
        stop.set()
        sealer.join()
