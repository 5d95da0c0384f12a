"""Status life cycles: one transition table per status column, the only place a status changes.

A `Lifecycle` holds the steps a model's `status` may take, (from, to) → the step's Dutch name,
and starts where the column's default puts a new row. `transition()` refuses a step that is not
in the table (InvalidTransition, naming the object and the statuses) and sets the status;
`update()` builds a bulk UPDATE that can only take rows along a step of the table. What else a
step does (audit events, row locks, timestamps) stays with the use case that takes it.

The tables sit next to their models (models/claims.py, assessments.py, decisions.py,
payments.py); tests/platform/test_lifecycle.py checks that nothing else assigns a status.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Update, update

from faunaschade.errors import InvalidTransition

S = TypeVar("S", bound=enum.Enum)

#: Every table, in the order the models define them (tests/platform/test_lifecycle.py checks each).
LIFECYCLES: list[Lifecycle[Any]] = []


class Lifecycle(Generic[S]):
    """The transition table of one model's `status` column."""

    def __init__(
        self, model: type[Any], noun: str, steps: Mapping[tuple[S, S], str], key: str = "id"
    ) -> None:
        #: The mapped class whose `status` this table governs.
        self.model = model
        #: How the Dutch refusal names the object: "<noun> <its key>", e.g. "Betaalbatch 7".
        self.noun, self.key = noun, key
        #: (from, to) → what the step is called, in Dutch.
        self.steps: dict[tuple[S, S], str] = dict(steps)
        column = model.__table__.c.status
        #: The status enum.
        self.enum: type[S] = column.type.enum_class
        #: The status a new row starts in (the column's default).
        self.start: S = column.default.arg
        LIFECYCLES.append(self)

    def allowed_targets(self, status: S) -> list[S]:
        """Statuses reachable from this one in one step."""
        return [to for (start, to) in self.steps if start == status]

    def sources(self, to: S) -> list[S]:
        """Statuses from which `to` is one step."""
        return [start for (start, target) in self.steps if target == to]

    def can_transition(self, obj: Any, to: S) -> bool:
        """True when the table allows the step from the object's current status."""
        return (obj.status, to) in self.steps

    def check(self, start: S, to: S, obj: Any) -> None:
        """Raise InvalidTransition unless the table has the step (from, to)."""
        if (start, to) in self.steps:
            return
        raise InvalidTransition(
            f"{self.noun} {getattr(obj, self.key)} kan niet van '{start.value}' naar '{to.value}'.",
            fields={
                "status": [
                    f"toegestaan vanuit '{start.value}': "
                    + ", ".join(t.value for t in self.allowed_targets(start))
                ]
            },
        )

    def transition(self, obj: Any, to: S) -> S:
        """Move the object to `to` if the table allows it; returns the status it came from."""
        start = obj.status
        self.check(start, to, obj)
        obj.status = to
        return start

    def update(self, to: S, *where: ColumnElement[bool], **values: Any) -> Update:
        """UPDATE of the rows matching `where` that can step to `to`, setting `values` too."""
        return (
            update(self.model)
            .where(*where, self.model.status.in_(self.sources(to)))
            .values(status=to, **values)
        )
