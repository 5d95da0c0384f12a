"""Bulk writing for the demo seed: reserved ids, Core executemany, and audit-chain appends."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Table, func, insert, select, text
from sqlalchemy.orm import Session

from faunaschade.audit.chain import GENESIS, SEAL_LOCK, content_hash, link_hash, seal_after_commit
from faunaschade.extensions import db
from faunaschade.models import AuditEvent
from faunaschade.models.audit import canonical_json
from faunaschade.models.base import UtcDateTime

_BLOCK = 1000


class Ids:
    """Ids handed out ahead of the insert, so rows can point at each other before they exist.

    PostgreSQL: blocks of `nextval` from the table's own sequence (safe next to other writers).
    SQLite: counting up from the highest id (one writer at a time there anyway).
    """

    def __init__(self, session: Session, table: Table) -> None:
        self.session, self.table = session, table
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self._block: Iterator[int] = iter(())
        self._next = 0

    def __call__(self) -> int:
        if not self.postgres:
            if not self._next:
                highest = self.session.scalar(select(func.max(self.table.c.id)))
                self._next = (highest or 0) + 1
            self._next += 1
            return self._next - 1
        for value in self._block:
            return value
        self._block = iter(
            self.session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"
                ),
                {"t": self.table.name, "n": _BLOCK},
            ).all()
        )
        return next(self._block)


def insert_rows(session: Session, rows: dict[str, list[dict[str, Any]]]) -> int:
    """Insert every table's rows, parents before children; returns the count."""
    count = 0
    for table in db.metadata.sorted_tables:
        batch = rows.get(table.name)
        if batch:
            insert_table(session, table, batch)
            count += len(batch)
    return count


def insert_table(session: Session, table: Table, batch: list[dict[str, Any]]) -> None:
    """PostgreSQL: COPY (ten times executemany); elsewhere Core executemany."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), batch)
        return
    names = list(batch[0])
    special = [
        (i, convert)
        for i, name in enumerate(names)
        if (convert := _copy_value(table.c[name].type)) is not None
    ]
    raw = session.connection().connection.driver_connection
    columns = ", ".join(f'"{name}"' for name in names)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in batch:
            values = [row[name] for name in names]
            for i, convert in special:
                values[i] = convert(values[i])
            copy.write_row(values)


def _copy_value(type_: Any) -> Callable[[Any], Any] | None:
    """How a value travels in COPY: JSON as text, enums as their value, the rest as is."""
    if isinstance(type_, JSON):
        return lambda value: None if value is None else json.dumps(value, default=str)
    if isinstance(type_, Enum):
        return lambda value: None if value is None else getattr(value, "value", value)
    if isinstance(type_, UtcDateTime):
        return _aware
    return None


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("naive datetime given; use an aware UTC datetime")
    return value


class Event:
    """An audit event to be appended: the columns of its row, nothing more."""

    __slots__ = (
        "action",
        "actor_id",
        "claim_id",
        "content_hash",
        "data",
        "from_status",
        "hash",
        "object_id",
        "object_type",
        "occurred_at",
        "prev_hash",
        "reason",
        "seq",
        "to_status",
    )

    def __init__(
        self,
        occurred_at: datetime,
        action: str,
        object_type: str,
        object_id: int | None,
        *,
        actor_id: int | None = None,
        claim_id: int | None = None,
        from_status: str | None = None,
        to_status: str | None = None,
        reason: str | None = None,
        data: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.occurred_at, self.action = occurred_at, action
        self.object_type, self.object_id = object_type, object_id
        self.actor_id, self.claim_id = actor_id, claim_id
        self.from_status, self.to_status, self.reason = from_status, to_status, reason
        # A callable is asked for the data when the event is chained (its facts may still grow).
        self.data: Any = data if callable(data) else canonical_json(data or {})
        self.seq, self.prev_hash, self.hash, self.content_hash = 0, "", "", ""

    def chain(self, seq: int, prev_hash: str) -> str:
        """Take its place in the chain (sealed at once); returns its hash."""
        if callable(self.data):
            self.data = canonical_json(self.data() or {})
        self.content_hash = content_hash(
            self.occurred_at,
            self.actor_id,
            self.action,
            self.object_type,
            self.object_id,
            self.claim_id,
            self.from_status,
            self.to_status,
            self.reason,
            self.data,
        )
        self.seq, self.prev_hash = seq, prev_hash
        self.hash = link_hash(seq, prev_hash, self.content_hash)
        return self.hash

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def chain_head(session: Session) -> tuple[int, str]:
    """Last sealed (seq, hash), holding the sealers' lock for this transaction (PostgreSQL):
    events that requests write meanwhile are sealed after ours."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEAL_LOCK})
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash)
        .where(AuditEvent.seq.is_not(None))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    return (head.seq, head.hash) if head else (0, GENESIS)


def append_events(session: Session, events: Iterable[Event], batch: int = 5000) -> int:
    """Chain the events (in the order given) onto the head and insert them, sealed."""
    seq, prev = chain_head(session)
    seal_after_commit(session)  # what requests wrote meanwhile waits for our lock
    table = AuditEvent.__table__
    pending: list[dict[str, Any]] = []
    count = 0
    for event in events:
        seq += 1
        prev = event.chain(seq, prev)
        pending.append(event.row())
        if len(pending) >= batch:
            insert_table(session, table, pending)
            count += len(pending)
            pending = []
    if pending:
        insert_table(session, table, pending)
        count += len(pending)
    return count
