"""The migrations produce exactly the models, on PostgreSQL and on SQLite."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from faunaschade.extensions import db
from tests.support.app import (
    PG_TEST_DB,
    ROOT,
    TEST_DATABASE,
    drop_postgres_database,
    make_test_app,
    recreate_postgres_database,
)


def _drift(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, db.metadata)


def test_migrated_database_matches_models(app):
    with app.app_context(), db.engine.connect() as conn:
        assert _drift(conn) == []


def test_upgrade_on_an_empty_database_then_down_and_up_again(tmp_path):
    if TEST_DATABASE == "postgresql":
        url = recreate_postgres_database(f"{PG_TEST_DB}_migrations")
    else:
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    scratch = make_test_app(url)
    with scratch.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        tables = set(inspect(db.engine).get_table_names())
        assert {"claims", "audit_events", "decisions", "payment_batches", "jobs"} <= tables
        downgrade(directory=str(ROOT / "migrations"), revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=str(ROOT / "migrations"))
        with db.engine.connect() as conn:
            assert _drift(conn) == []
        db.engine.dispose()
    if TEST_DATABASE == "postgresql":
        drop_postgres_database(f"{PG_TEST_DB}_migrations")
