"""One way for a page to run a use case: the answer is built first, then committed.

A page action runs one use case. When it succeeds, the redirect and the message are built
while the objects are still loaded, then the transaction is committed and the message flashed.
When it refuses with one of the errors the page expects, nothing is stored: the transaction is
rolled back and the page either flashes the error and redirects back, or shows a form with
it (`Failed.fields`). Any other error reaches the application's error page, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import flash
from flask import redirect as redirect_to
from sqlalchemy.exc import IntegrityError

from faunaschade.errors import AppError, Conflict, ValidationFailed
from faunaschade.extensions import db

T = TypeVar("T")
#: The refusals a page shows itself (an empty tuple: none, every error reaches the error page).
Refusals = type[AppError] | tuple[type[AppError], ...]


@dataclass(frozen=True)
class Failed:
    """A use case that refused: nothing was stored."""

    error: AppError

    @property
    def fields(self) -> dict[str, list[str]]:
        """For a form: a validation error's field messages, otherwise the message under _schema."""
        if isinstance(self.error, ValidationFailed) and self.error.fields:
            return self.error.fields
        return {"_schema": [self.error.message]}

    @property
    def text(self) -> str:
        """For a flash: the error's message followed by its field messages."""
        detail = " ".join(m for messages in self.error.fields.values() for m in messages)
        return f"{self.error.message} {detail}".strip()


def _of(value: str | Callable[[T], str], result: T) -> str:
    return value(result) if callable(value) else value


def run(
    action: Callable[[], T],
    *,
    done: str | Callable[[T], str] | None = None,
    category: str = "success",
    redirect: str | Callable[[T], str] | None = None,
    back: str | None = None,
    expected: Refusals = AppError,
    race: str | None = None,
) -> Any:
    """Run `action`; on success flash `done` and redirect to `redirect` (or `back`), both may
    be built from the action's result; the commit follows once they are built.

    On an `expected` error (a use case's refusal) the work is rolled back. With `back` (the
    page that shows the outcome) the error's text is flashed and the answer is a redirect
    there; without it the answer is the `Failed` itself, for a form to show. `race` is the
    message for a unique index that another user's simultaneous request filled first (an
    IntegrityError of the flush or the commit); without it that error reaches the error page.
    """
    target = redirect if redirect is not None else back
    if target is None:
        raise TypeError("run() needs a redirect or back")
    try:
        result = action()
        response = redirect_to(_of(target, result))
        message = None if done is None else _of(done, result)
        db.session.commit()
    except expected as exc:
        db.session.rollback()
        return _refused(Failed(exc), back)
    except IntegrityError:
        if race is None:
            raise
        db.session.rollback()
        return _refused(Failed(Conflict(race)), back)
    if message:
        flash(message, category)
    return response


def _refused(failed: Failed, back: str | None) -> Any:
    if back is None:
        return failed
    flash(failed.text, "error")
    return redirect_to(back)
