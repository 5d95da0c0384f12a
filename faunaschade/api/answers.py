"""Write views build their answer before the commit, so nothing after it needs the database.

Dumped after the commit, an answer would reload its objects from the database; if the database
went away just then, a stored change would be answered with "nothing was stored". So a write
view flushes and returns; `@commits` (or `@idempotent`, which stores the answer under its key
in the same transaction) commits once the answer exists. A connection lost during the COMMIT
itself leaves the outcome unknown, and the answer says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from sqlalchemy.exc import OperationalError

from faunaschade.errors import CommitOutcomeUnknown
from faunaschade.extensions import db

log = logging.getLogger(__name__)


def commit() -> None:
    """Commit; a connection lost during the COMMIT itself answers 503 `outcome_unknown`."""
    try:
        db.session.commit()
    except OperationalError as exc:
        log.warning("database lost during COMMIT, outcome unknown: %s", type(exc.orig).__name__)
        raise CommitOutcomeUnknown() from exc


def commits(view: Callable[..., Any]) -> Callable[..., Any]:
    """Commit the view's work after its answer is built (place it above `@bp.response`)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        answer = view(*args, **kwargs)
        commit()
        return answer

    return wrapper
