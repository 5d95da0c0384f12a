"""Answers built before the commit, so nothing after the commit needs the database."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify
from marshmallow import Schema
from sqlalchemy.exc import OperationalError

from faunaschade.errors import CommitOutcomeUnknown
from faunaschade.extensions import db

log = logging.getLogger(__name__)


def commit_with_answer(schema: Schema, obj: Any, status: int = 200) -> Response:
    """Flush, dump `obj` with `schema`, then commit; returns the JSON answer.

    Dumped after the commit, the answer would reload `obj` from the database; if the database
    went away just then, a stored change would be answered with "nothing was stored". A
    connection lost during the COMMIT itself leaves the outcome unknown, and the answer says so.
    """
    db.session.flush()
    answer = jsonify(schema.dump(obj))
    answer.status_code = status
    commit()
    return answer


def commit() -> None:
    """Commit; a connection lost during the COMMIT itself answers 503 `outcome_unknown`."""
    try:
        db.session.commit()
    except OperationalError as exc:
        log.warning("database lost during COMMIT, outcome unknown: %s", type(exc.orig).__name__)
        raise CommitOutcomeUnknown() from exc
