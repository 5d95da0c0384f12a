"""Bulk writing for the demo seed: reserved ids, COPY (executemany off PostgreSQL) in a thread
beside the building, indexes and constraints set aside for a large load, audit-chain appends."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Any

import psycopg
from sqlalchemy import JSON, Connection, Enum, Table, func, insert, select, text
from sqlalchemy.orm import Session

from faunaschade.audit.chain import GENESIS, SEAL_LOCK, content_hash, link_hash, seal_after_commit
from faunaschade.extensions import db
from faunaschade.models import AuditEvent
from faunaschade.models.audit import canonical_json
from faunaschade.models.base import UtcDateTime

_BLOCK = 1000
#: As json.dumps(value, default=str), one encoder for all values.
_JSON = json.JSONEncoder(default=str)


class Ids:
    """Ids handed out ahead of the insert, so rows can point at each other before they exist.

    PostgreSQL: blocks of `nextval` from the table's own sequence (safe next to other writers),
    through `sequences` when given: a connection of its own, free while the session's connection
    COPYs (a sequence hands out the same numbers on any connection, and none are taken back).
    SQLite: counting up from the highest id (one writer at a time there anyway).
    """

    def __init__(self, session: Session, table: Table, sequences: Connection | None = None) -> None:
        self.session, self.table, self.sequences = session, table, sequences
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self._block: Iterator[int] = iter(())
        self._sequence: str | None = None
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
        source = self.sequences or self.session
        if self._sequence is None:
            self._sequence = source.scalar(
                text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": self.table.name}
            )
        # One row holding the block, in the order nextval gave it: less to take apart than rows.
        self._block = iter(
            source.scalar(
                text(
                    "SELECT array_agg(v ORDER BY v) FROM (SELECT nextval(CAST(:s AS regclass)) AS v"
                    " FROM generate_series(1, :n)) AS block"
                ),
                {"s": self._sequence, "n": _BLOCK},
            )
        )
        return next(self._block)


def insert_rows(session: Session, rows: dict[str, list[dict[str, Any]]]) -> int:
    """Insert every table's rows, parents before children; returns the count."""
    raw = _raw(session)
    count = 0
    for table in db.metadata.sorted_tables:
        batch = rows.get(table.name)
        if batch:
            if raw is None:
                session.execute(insert(table), batch)
            else:
                copy_rows(raw, table, list(batch[0]), map(itemgetter(*batch[0]), batch))
            count += len(batch)
    return count


def _raw(session: Session) -> psycopg.Connection | None:
    """The session's psycopg connection on PostgreSQL (for COPY); None elsewhere."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return session.connection().connection.driver_connection


def copy_rows(
    raw: psycopg.Connection, table: Table, names: list[str], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY rows (values in the order of `names`) into the table: ten times executemany."""
    special = [
        (i, convert)
        for i, name in enumerate(names)
        if (convert := _copy_value(table.c[name].type)) is not None
    ]
    columns = ", ".join(f'"{name}"' for name in names)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        if not special:
            for row in rows:
                copy.write_row(row)
            return
        for row in rows:
            values = list(row)
            for i, convert in special:
                values[i] = convert(values[i])
            copy.write_row(values)


class Loader:
    """Writes the seed's chunks (rows per table and chained events) in the session's transaction.

    PostgreSQL: COPY, in a thread of its own, so that the next chunk is built while the database
    takes in this one (on the other core). Until `wait()` returns nobody else may use the
    session (the seed's ids come from a connection of their own: `Ids`). Elsewhere: executemany,
    at once. Leaving the block waits for the thread, also when the seed fails.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.raw = _raw(session)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def __enter__(self) -> Loader:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is None:
            self.wait()
        elif self._thread is not None:  # failing already: let the COPY end, keep the first error
            self._thread.join()

    def write(self, rows: dict[str, list[dict[str, Any]]], events: list[tuple[Any, ...]]) -> int:
        """Start writing; returns how many rows (events not counted) go in."""
        self.wait()
        count = sum(len(batch) for batch in rows.values())
        if self.raw is None:
            insert_rows(self.session, rows)
            insert_events(self.session, events)
            return count
        self._thread = threading.Thread(target=self._copy, args=(rows, events), daemon=True)
        self._thread.start()
        return count

    def wait(self) -> None:
        """Until the chunk being written is in; raises what went wrong there."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _copy(self, rows: dict[str, list[dict[str, Any]]], events: list[tuple[Any, ...]]) -> None:
        assert self.raw is not None
        try:
            for table in db.metadata.sorted_tables:
                batch = rows.get(table.name)
                if batch:
                    copy_rows(self.raw, table, list(batch[0]), map(itemgetter(*batch[0]), batch))
            insert_events(self.session, events, self.raw)
        except BaseException as exc:  # raised again by wait() in the seeding thread
            self._error = exc


class SetAside:
    """A bulk load's way around index upkeep (PostgreSQL): the tables' secondary indexes, unique
    and foreign-key constraints are dropped before the load and made again after it, in the same
    transaction, so each index is built once, in order, and each constraint checked once over
    all rows. Nobody else sees the tables without them (the drop locks them until the commit);
    should a row break a constraint, putting it back fails and the transaction with it. The
    primary keys, check constraints and triggers stay. For a load larger than what the tables
    hold: otherwise rebuilding costs more than it saves.
    """

    def __init__(self, session: Session, tables: Iterable[str]) -> None:
        self.session, self.tables = session, list(tables)
        self._restore: dict[str, list[str]] = {}

    def take_off(self) -> None:
        # The indexes are built again by sorting every row: in memory rather than on disk.
        self.session.execute(text(f"SET LOCAL maintenance_work_mem = '{_SORT_MEMORY}'"))
        drops: list[str] = []
        for name in self.tables:
            found = self.session.execute(_SET_ASIDE, {"t": name}).all()
            drops += [drop for drop, _, _ in found]
            self._restore[name] = [make for _, make, _ in found]
        for statement in drops:
            self.session.execute(text(statement))

    def put_back(self, *tables: str) -> None:
        """Make the indexes and constraints of these tables (of all when none are named) again."""
        statements = [s for name in tables or self.tables for s in self._restore.pop(name, ())]
        # Indexes and unique constraints first: a foreign key may point at one of them.
        for statement in sorted(statements, key=lambda s: " FOREIGN KEY " in s):
            self.session.execute(text(statement))


_SORT_MEMORY = "256MB"
#: For one table: (drop, make again, order) of its foreign keys (dropped first), its unique
#: constraints no foreign key points at, and its other indexes but the primary key.
_SET_ASIDE = text(
    """
    SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),
           format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,
                  pg_get_constraintdef(c.oid)),
           CASE c.contype WHEN 'f' THEN 0 ELSE 1 END
      FROM pg_constraint c
     WHERE c.conrelid = CAST(:t AS regclass)
       AND (c.contype = 'f'
            OR c.contype = 'u' AND NOT EXISTS (
                SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
    UNION ALL
    SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid), 2
      FROM pg_index i
     WHERE i.indrelid = CAST(:t AS regclass) AND NOT i.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                                                        AND c.conrelid = i.indrelid)
     ORDER BY 3, 1
    """
)


def _copy_value(type_: Any) -> Callable[[Any], Any] | None:
    """How a value travels in COPY: JSON as text, enums as their value, the rest as is."""
    if isinstance(type_, JSON):
        return lambda value: None if value is None else _JSON.encode(value)
    if isinstance(type_, Enum):
        return lambda value: None if value is None else getattr(value, "value", value)
    if isinstance(type_, UtcDateTime):
        return _aware
    return None


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("naive datetime given; use an aware UTC datetime")
    return value


#: The columns of an audit event's row, in the order `Event.row()` gives them.
EVENT_COLUMNS = (
    "occurred_at",
    "action",
    "object_type",
    "object_id",
    "actor_id",
    "claim_id",
    "from_status",
    "to_status",
    "reason",
    "data",
    "content_hash",
    "seq",
    "prev_hash",
    "hash",
)


class Event:
    """An audit event to be appended: the columns of its row, nothing more."""

    __slots__ = EVENT_COLUMNS

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

    def row(self) -> tuple[Any, ...]:
        """Its values in the order of EVENT_COLUMNS."""
        return _event_row(self)


_event_row = attrgetter(*EVENT_COLUMNS)
_EVENTS: Table = AuditEvent.__table__  # type: ignore[assignment]


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


class Chain:
    """The seed's place at the head of the audit chain, for the whole transaction: the head is
    read once (with the sealers' lock, held to the commit) and every event linked after it."""

    def __init__(self, session: Session) -> None:
        self.seq, self.prev = chain_head(session)
        seal_after_commit(session)  # what requests wrote meanwhile waits for our lock

    def link(self, events: Iterable[Event]) -> list[tuple[Any, ...]]:
        """The events' rows, chained in the order given."""
        rows = []
        seq, prev = self.seq, self.prev
        for event in events:
            seq += 1
            prev = event.chain(seq, prev)
            rows.append(_event_row(event))
        self.seq, self.prev = seq, prev
        return rows


def append_events(session: Session, events: Iterable[Event], batch: int = 5000) -> int:
    """Chain the events (in the order given) onto the head and insert them, sealed."""
    chain = Chain(session)
    raw = _raw(session)
    count = 0
    for part in batched(events, batch):
        rows = chain.link(part)
        insert_events(session, rows, raw)
        count += len(rows)
    return count


def insert_events(
    session: Session, rows: list[tuple[Any, ...]], raw: psycopg.Connection | None = None
) -> None:
    """Insert chained events' rows: COPY on `raw` when given (PostgreSQL), else executemany."""
    if not rows:
        return
    if raw is not None:
        copy_rows(raw, _EVENTS, list(EVENT_COLUMNS), rows)
        return
    session.execute(insert(_EVENTS), [dict(zip(EVENT_COLUMNS, row, strict=True)) for row in rows])


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of `size` items (the last one shorter)."""
    part: list[Any] = []
    for item in items:
        part.append(item)
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part
