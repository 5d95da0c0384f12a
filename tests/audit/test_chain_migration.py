"""The upgrade to sealing after the commit keeps an existing chain, and refuses a broken one."""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from faunaschade.audit import chain as audit
from faunaschade.extensions import db
from faunaschade.models import AuditEvent
from tests.support.app import (
    PG_TEST_DB,
    ROOT,
    TEST_DATABASE,
    drop_postgres_database,
    make_test_app,
    recreate_postgres_database,
)

MIGRATION = ROOT / "migrations" / "versions" / "f6a7b8c9d0e1_audit_seal_after_commit.py"


def _migration():
    spec = importlib.util.spec_from_file_location("seal_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def old_release(tmp_path):
    """A database at the revision before, with three events chained the first release's way."""
    if TEST_DATABASE == "postgresql":
        url = recreate_postgres_database(f"{PG_TEST_DB}_chain")
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    app = make_test_app(url)
    old = _migration()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="c3d8f1a0b2e4")
        prev = old.GENESIS
        for seq in (1, 2, 3):
            values = dict.fromkeys(old.FIELDS)
            values.update(
                occurred_at=datetime(2025, 2, seq, 9, 30, 0, 123456, tzinfo=UTC),
                action="claim.transition",
                object_type="claim",
                reason=f"stap {seq} – ĳs",
                data=json.dumps({"n": seq, "bedrag": "12.50"}),
            )
            digest = old._old_hash(values, seq, prev)
            db.session.execute(
                text(
                    "INSERT INTO audit_events (seq, occurred_at, action, object_type, reason, data,"
                    " prev_hash, hash) VALUES (:seq, :at, :action, :type, :reason, :data, :prev,"
                    " :hash)"
                ),
                {
                    "seq": seq,
                    "at": values["occurred_at"]
                    if TEST_DATABASE == "postgresql"
                    else values["occurred_at"].strftime("%Y-%m-%d %H:%M:%S.%f"),
                    "action": values["action"],
                    "type": "claim",
                    "reason": values["reason"],
                    "data": values["data"],
                    "prev": prev,
                    "hash": digest,
                },
            )
            prev = digest
        db.session.commit()
    yield app, prev
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if TEST_DATABASE == "postgresql":
        drop_postgres_database(f"{PG_TEST_DB}_chain")


def test_the_upgrade_rehashes_an_intact_chain_and_records_the_old_head(old_release):
    app, old_head = old_release
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        report = audit.verify()
        assert report.intact, report.problems
        assert report.checked == 4 and report.head[0] == 4
        last = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == 4))
        assert last.action == "audit.chain_migrated"
        assert last.data == {"old_head_hash": old_head, "old_head_seq": 3}
        assert db.session.scalar(select(AuditEvent.reason).where(AuditEvent.seq == 2)) == (
            "stap 2 – ĳs"
        )


def test_the_upgrade_refuses_a_chain_that_was_edited(old_release):
    app, _ = old_release
    with app.app_context():
        db.session.execute(text("UPDATE audit_events SET reason = 'vals' WHERE seq = 2"))
        db.session.commit()
        with pytest.raises((RuntimeError, SystemExit)):  # flask-migrate exits on an error
            upgrade(directory=str(ROOT / "migrations"))
        db.session.rollback()
        # Refused before anything changed: still the old revision and the old columns.
        version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        columns = {c["name"] for c in inspect(db.engine).get_columns("audit_events")}
    assert version == "c3d8f1a0b2e4" and "content_hash" not in columns
