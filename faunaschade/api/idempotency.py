"""Idempotency-Key on creating POSTs: a replay gets the first answer, another body a 422."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

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
            "Deze Idempotency-Key is al gebruikt voor een ander verzoek.",
            code="idempotency_key_reused",
            fields={HEADER: ["Gebruik een nieuwe sleutel voor een ander verzoek."]},
        )
    if record.response_status == 0:
        raise Conflict("Een verzoek met deze Idempotency-Key wordt nog verwerkt.")
    response = jsonify(record.response_body)
    response.status_code = record.response_status
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Honour the Idempotency-Key header on this POST, and commit the view's work.

    The view flushes and does not commit: its work, the key and the answer stored under it
    commit together, so a retry finds either nothing or the whole answer — never a key stuck
    "in progress" because a process died between two commits.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if not key:
            return commits(view)(*args, **kwargs)
        if len(key) > 200:
            raise ValidationFailed(fields={HEADER: ["Hoogstens 200 tekens."]})
        user_id = current_user.id if current_user.is_authenticated else None
        endpoint = f"{request.method} {request.path}"
        digest = hashlib.sha256(request.get_data()).hexdigest()
        existing = _find(user_id, key)
        if existing is not None:
            return _replay(existing, endpoint, digest)
        # Written in the same transaction as the view's work: both commit or neither does.
        record = IdempotencyKey(
            user_id=user_id,
            key=key,
            endpoint=endpoint,
            request_hash=digest,
            response_status=0,
            response_body={},
        )
        db.session.add(record)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            return _replay(_find(user_id, key), endpoint, digest)
        response = view(*args, **kwargs)
        if not isinstance(response, Response):
            raise TypeError("idempotent views must return a Response")
        if record in db.session and response.status_code < 500:
            record.response_status = response.status_code
            record.response_body = response.get_json(silent=True) or {}
        commit()
        return response

    return wrapper
