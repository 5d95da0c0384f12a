"""Idempotency-Key on creating POSTs: a replay gets the first answer, another body a 422."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Insert, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from faunaschade.api.answers import commit, commits
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.models import IdempotencyKey

HEADER = "Idempotency-Key"


def _find(user_id: int | None, key: str) -> IdempotencyKey | None:
    query = select(IdempotencyKey).where(IdempotencyKey.key == key)
    query = query.where(
        IdempotencyKey.user_id.is_(None) if user_id is None else IdempotencyKey.user_id == user_id
    )
    return db.session.scalar(query)


def _replay(record: IdempotencyKey, endpoint: str, digest: str) -> Response:
    if record.endpoint != endpoint or record.request_hash != digest:
        raise ValidationFailed(
            _("Deze Idempotency-Key is al gebruikt voor een ander verzoek."),
            code="idempotency_key_reused",
            fields={HEADER: [_("Gebruik een nieuwe sleutel voor een ander verzoek.")]},
        )
    if record.response_status == 0:
        raise Conflict(_("Een verzoek met deze Idempotency-Key wordt nog verwerkt."))
    response = jsonify(record.response_body)
    response.status_code = record.response_status
    response.headers["Idempotent-Replayed"] = "true"
    return response


@functools.cache
def _store_statement(dialect: str) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id, built once per dialect (building it cost
    more CPU than sending it)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    columns = ("user_id", "key", "endpoint", "request_hash", "response_status", "response_body")
    return (
        insert(IdempotencyKey)
        .values(
            {name: bindparam(name, type_=IdempotencyKey.__table__.c[name].type) for name in columns}
        )
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(IdempotencyKey.id)
    )


def _store(user_id: int | None, key: str, endpoint: str, digest: str, answer: Response) -> bool:
    """Store the answer under the key in one INSERT; False when the key was taken meanwhile.

    INSERT … ON CONFLICT DO NOTHING RETURNING: a key stored by a request that committed first
    makes no row and no error (PostgreSQL waits for a request still holding it to end).
    """
    statement = _store_statement(db.session.get_bind().dialect.name)
    values = {
        "user_id": user_id,
        "key": key,
        "endpoint": endpoint,
        "request_hash": digest,
        "response_status": answer.status_code,
        "response_body": answer.get_json(silent=True) or {},
    }
    return db.session.execute(statement, values).first() is not None


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Honour the Idempotency-Key header on this POST, and commit the view's work.

    The view flushes and does not commit: its work, the key and the answer stored under it
    commit together, so a retry finds either nothing or the whole answer — never a key stuck
    "in progress" because a process died between two commits.

    For a logged-in caller the key costs one statement: the view runs, and its answer is
    stored under the key by an INSERT that finds out whether the key was used before. When it
    was (a retry), the view's work is rolled back and the first answer replayed; when the view
    fails, a stored answer under the key is replayed instead of the failure. An anonymous
    caller's key (registration) is looked up first: the unique (user_id, key) cannot catch a
    second one without a user.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if not key:
            return commits(view)(*args, **kwargs)
        if len(key) > 200:
            raise ValidationFailed(fields={HEADER: [_("Hoogstens 200 tekens.")]})
        user_id = current_user.id if current_user.is_authenticated else None
        endpoint = f"{request.method} {request.path}"
        digest = hashlib.sha256(request.get_data()).hexdigest()
        if user_id is None and (existing := _find(user_id, key)) is not None:
            return _replay(existing, endpoint, digest)
        try:
            response = view(*args, **kwargs)
        except Exception:
            if user_id is None:
                raise
            # A retry whose work no longer succeeds (the claim moved on): the first answer.
            db.session.rollback()
            if (existing := _find(user_id, key)) is not None:
                return _replay(existing, endpoint, digest)
            raise
        if not isinstance(response, Response):
            raise TypeError("idempotent views must return a Response")
        if response.status_code < 500 and not _store(user_id, key, endpoint, digest, response):
            db.session.rollback()  # the key's first request did this work already
            return _replay(_find(user_id, key), endpoint, digest)
        commit()
        return response

    return wrapper
