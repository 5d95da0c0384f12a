"""Flask extensions, created once without an app and bound in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from faunaschade.openapi import make_api

# Named constraints keep Alembic migrations identical on PostgreSQL and SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = make_api()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app) -> None:
    """Bind every extension to the app."""
    from sqlalchemy import event

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_connect)
            event.listen(db.engine, "begin", _sqlite_begin)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", "migrations")))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)
    api.init_app(app)


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy own transactions (SAVEPOINT works) and enforce foreign keys.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _select_locale() -> str:
    """The language chosen with the switch (kept in the session; a logged-in user's stored
    choice is put there at login), or ?lang=; Dutch otherwise, and outside a request (jobs,
    commands: an e-mail chooses its recipient's language with force_locale)."""
    from flask import current_app, has_request_context, request, session

    if has_request_context():
        chosen = session.get("lang") or request.args.get("lang")
        if chosen in current_app.config["LANGUAGES"]:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
