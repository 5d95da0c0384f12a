"""flask worker compiles a letter job's statements before it forks (issue 13): warm_up sends
what a job sends for the newest letter of each kind, in a transaction it rolls back."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine.interfaces import CacheStats

from faunaschade.decisions import operations as decisions
from faunaschade.documents import build_context
from faunaschade.extensions import db
from faunaschade.letters.rendering import profile_for_share, warm_up
from faunaschade.models import FarmerProfile, Letter, StoredFile
from faunaschade.models.base import locked
from tests.support.decisions import assessed_claim, drenthe_people

pytestmark = pytest.mark.postgres_only


def _misses(letters: list[int]) -> list[str]:
    """The statements that had to be compiled while a job read each letter, its farmer and
    everything its context needs (render_letter's reading, in a session of its own)."""
    missed = []

    def seen(_conn, _cursor, statement, _parameters, context, _many) -> None:
        if context.cache_hit == CacheStats.CACHE_MISS:
            missed.append(statement[:80])

    db.session.remove()
    event.listen(db.engine, "after_cursor_execute", seen)
    try:
        for letter_id in letters:
            db.session.execute(profile_for_share(letter_id)).all()
            build_context(locked(Letter, letter_id))
    finally:
        event.remove(db.engine, "after_cursor_execute", seen)
        db.session.remove()
    return missed


def test_a_warm_worker_compiles_nothing_for_a_letter_and_writes_nothing(committed, database_url):
    with committed.app_context():
        users = drenthe_people("a", "b")
        claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
        proposal = decisions.propose_decision(claim, users["a"])
        db.session.flush()
        decisions.approve_proposal(proposal, users["b"])
        db.session.commit()
        newest = select(func.max(Letter.id)).group_by(Letter.kind)
        letters = db.session.scalars(newest).all()
        assert letters
        before = (db.session.scalar(select(func.count(StoredFile.id))), _statuses())

        db.engine.clear_compiled_cache()  # as a worker that has just started
        assert _misses(letters), "a cold process compiles the letter's statements"
        db.engine.clear_compiled_cache()
        db.session.remove()  # the worker's parent: a session of its own
        warm_up()
        assert _misses(letters) == []
        assert (db.session.scalar(select(func.count(StoredFile.id))), _statuses()) == before
        profile_id = db.session.scalar(select(FarmerProfile.id))
        db.session.rollback()
    # No lock is left behind: another connection takes the farmer's row at once.
    other = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with other.begin() as conn:
        conn.execute(
            text("SELECT id FROM farmer_profiles WHERE id = :id FOR UPDATE NOWAIT"),
            {"id": profile_id},
        )
    other.dispose()


def _statuses() -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Letter).order_by(Letter.id))
    return [(letter.id, letter.status.value) for letter in rows]
