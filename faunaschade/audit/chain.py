"""Append-only, hash-chained audit events: record one, seal the chain, verify it.

Two steps, so that no request waits for another one's audit event:

- `record()` writes the event in the caller's transaction (it is committed with the change it
  records, or not at all) with its *content hash*: SHA-256 over its fields. No lock is taken;
  the event has no place in the chain yet (`seq`, `prev_hash` and `hash` are NULL).
- `seal()` runs after the commit, in a short transaction of its own, and gives the committed
  unsealed events their place: seq = head + 1, 2, …, prev_hash = the head's hash, hash = SHA-256
  over (seq, prev_hash, content hash). One sealer at a time (a PostgreSQL advisory lock taken
  with *try*: a sealer that finds it taken leaves its events to the one holding it, which looks
  again after letting go). Every commit that recorded events seals (`_seal_after_commit`); the
  worker's sweep seals as well, for a process that died between its commit and its seal.

`verify()` recomputes every content hash and every link: an edited event (also one edited
before it was sealed: its content no longer matches the content hash written with it), an
inserted one (a seq or prev_hash out of line) and a deleted one (a gap) are reported. What no
hash chain can show is the newest events deleted, or appended by someone with write access to
the database; the seal lag (`pending()`, in /healthz) bounds how long an event is unsealed.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    String,
    and_,
    bindparam,
    cast,
    event,
    func,
    inspect,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from faunaschade.extensions import db
from faunaschade.models import Claim, FarmerProfile, Role
from faunaschade.models.audit import AuditEvent, CanonicalData, canonical_json
from faunaschade.models.base import utcnow

GENESIS = "0" * 64
# Any fixed number: the advisory lock that lets one sealer at a time extend the chain.
SEAL_LOCK = 815_301
#: The fields an event's content hash covers, in this order.
CONTENT_FIELDS = (
    "occurred_at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "claim_id",
    "from_status",
    "to_status",
    "reason",
    "data",
)
_RECORDED = "audit_recorded"
# A report lists at most this many problems of each kind (a wholesale edit is one finding).
_MAX_PROBLEMS = 10_000
# Unsealed events sort after every sealed one in a report.
_AFTER_ALL = 1 << 62
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# SQLite has no advisory locks; sealers of one process take turns here (another process that
# seals at the same moment runs into the unique seq and tries again later).
_local_sealer = threading.Lock()
log = logging.getLogger(__name__)


def _field(value: str | None) -> str:
    # A netstring ("5:hello,"), "-" for NULL: unambiguous whatever the text holds.
    return "-" if value is None else f"{len(value)}:{value},"


def content_text(
    occurred_at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int | None,
    claim_id: int | None,
    from_status: str | None,
    to_status: str | None,
    reason: str | None,
    data: str,
) -> str:
    """The text an event's content hash is taken over (`data` as stored: canonical JSON).

    `_content_sql()` builds the same text in PostgreSQL; tests/audit hold the two together."""
    micros = (occurred_at - _EPOCH) // _MICROSECOND
    return "".join(
        (
            _field(str(micros)),
            _field(None if actor_id is None else str(actor_id)),
            _field(action),
            _field(object_type),
            _field(None if object_id is None else str(object_id)),
            _field(None if claim_id is None else str(claim_id)),
            _field(from_status),
            _field(to_status),
            _field(reason),
            _field(data),
        )
    )


def content_hash(*fields: Any) -> str:
    """SHA-256 (hex) of `content_text(*fields)`."""
    return hashlib.sha256(content_text(*fields).encode()).hexdigest()


def link_hash(seq: int, prev_hash: str, content: str) -> str:
    """The event's hash: its place in the chain, the previous hash and its content hash."""
    return hashlib.sha256(f"{seq}|{prev_hash}|{content}".encode()).hexdigest()


def event_content_hash(event_: AuditEvent) -> str:
    """The content hash of an event object as it stands."""
    return content_hash(*_values(event_))


def _values(event_: AuditEvent) -> tuple[Any, ...]:
    values = [getattr(event_, name) for name in CONTENT_FIELDS]
    data = values[-1]
    values[-1] = data.text if type(data) is CanonicalData else canonical_json(data)
    return tuple(values)


def record(
    action: str,
    obj: Any = None,
    *,
    actor: Any = None,
    claim_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one event to the caller's transaction; it is sealed after the commit.

    The event's INSERT goes with the session's next flush (at the latest the commit's), in one
    statement with the transaction's other events: it is committed with the change it records,
    or not at all. Its content hash is taken now, over exactly the text that is stored.

    A farmer acting on another farmer's claim (a representative, issue 15) is recorded as
    such: the event's data names the claim's farmer as `on_behalf_of` (their profile id)."""
    session = db.session()
    actor_id = _id_of(actor)
    if (farmer_id := _on_behalf_of(session, actor, actor_id, claim_id)) is not None:
        data = {**(data or {}), "on_behalf_of": farmer_id}
    event_ = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor_id,
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "system",
        object_id=_id_of(obj),
        claim_id=claim_id,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        # Read as the database will answer it (Decimals and dates as text); written as the
        # text hashed here, without dumping it again.
        data=CanonicalData(canonical_json(data or {})),
    )
    event_.content_hash = content_hash(*_values(event_))
    session.add(event_)
    seal_after_commit(session)
    return event_


def _id_of(obj: Any) -> int | None:
    """An object's id; a persistent one's from its identity, without refreshing it when a
    commit has expired it (the event needs no more than the id)."""
    if obj is None:
        return None
    state = inspect(obj, raiseerr=False)
    if state is not None and state.has_identity and "id" not in state.dict:
        (key,) = state.mapper.primary_key
        if state.mapper.get_property_by_column(key).key == "id":
            return state.identity[0]
    return getattr(obj, "id", None)


def _loaded(obj: Any, name: str) -> Any:
    """An attribute's value if it is at hand without a query, else None."""
    state = inspect(obj, raiseerr=False)
    return getattr(obj, name, None) if state is None else state.dict.get(name)


def _in_session(session: Session, cls: type, ident: int | None, name: str) -> Any:
    """An attribute of an object the session holds loaded, else None (never a query)."""
    if ident is None:
        return None
    return _loaded(session.identity_map.get(identity_key(cls, ident)), name)


def _on_behalf_of(
    session: Session, actor: Any, actor_id: int | None, claim_id: int | None
) -> int | None:
    """The claim's farmer profile id when a farmer-role actor is not that farmer, else None.

    Usually no query: the claim and its farmer's profile are in the session already, and so is
    the actor's role (or, for an actor the session expired, the claim shows it is their own)."""
    if claim_id is None or actor is None:
        return None
    role = _loaded(actor, "role")
    if role is None:  # expired by a commit: no query when the claim shows it is their own
        farmer_id = _in_session(session, Claim, claim_id, "farmer_id")
        user_id = _in_session(session, FarmerProfile, farmer_id, "user_id")
        if actor_id is not None and user_id == actor_id:
            return None
        role = getattr(actor, "role", None)
    if role != Role.FARMER:
        return None
    claim = session.get(Claim, claim_id)
    farmer = session.get(FarmerProfile, claim.farmer_id) if claim is not None else None
    if farmer is None or farmer.user_id == actor_id:
        return None
    return farmer.id


def seal_after_commit(session: Session) -> None:
    """Have the chain sealed once this session commits."""
    session.info[_RECORDED] = True


@event.listens_for(Session, "after_commit")
def _seal_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the events are not committed yet
        return
    if not session.info.pop(_RECORDED, False):
        return
    if has_app_context() and current_app.config.get("AUDIT_SEALER", "commit") != "commit":
        return  # the workers seal (seal_continuously)
    try:
        seal(session.get_bind())
    except SQLAlchemyError:  # committed all the same; the next seal (or the sweep) takes it
        log.exception("sealing the audit chain failed; the next seal will take these events")


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_RECORDED, None)


@contextmanager
def _transaction(bind: Engine | Connection) -> Iterator[Connection]:
    """A transaction of its own: a new connection, or a savepoint on a given one (tests)."""
    if isinstance(bind, Connection):
        with bind.begin_nested():
            yield bind
        return
    with bind.begin() as connection:
        yield connection


def seal(
    bind: Engine | Connection | None = None, batch: int = 2000, *, look_again: bool = True
) -> int:
    """Give the committed unsealed events their place in the chain; returns how many.

    Returns at once when another sealer is at work: it looks for unsealed events again after
    letting go of the lock, so what was committed before this call is sealed by one of us.
    `look_again=False` is for a sealer that is back in a moment anyway (the workers', when
    requests do not seal): it seals what waits and stops, instead of turning, under a steady
    stream of commits, into a loop of tiny batches and a look after each."""
    bind = bind if bind is not None else db.session.get_bind()
    total = 0
    while True:
        done = _seal_once(bind, batch)
        if done is None:
            return total
        total += done
        if done < batch and (not look_again or not _has_unsealed(bind)):
            return total


def seal_continuously(
    app: Flask,
    stop: threading.Event,
    guard: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> None:
    """Seal every AUDIT_SEAL_INTERVAL_SECONDS until `stop` is set (a thread of flask worker);
    each round runs inside `guard()` (the worker's: no fork while a round holds a connection).

    Where requests seal too (AUDIT_SEALER=commit), one that found this sealer at work relies on
    it to look again before it lets go; otherwise a round seals what waits and the next round
    takes what came in meanwhile."""
    interval = app.config["AUDIT_SEAL_INTERVAL_SECONDS"]
    look_again = app.config.get("AUDIT_SEALER", "commit") == "commit"
    while not stop.wait(interval):
        with guard(), app.app_context():
            try:
                seal(look_again=look_again)
            except SQLAlchemyError:  # the database is away: the next round tries again
                log.exception("sealing the audit chain failed")


def _seal_once(bind: Engine | Connection, batch: int) -> int | None:
    table = AuditEvent.__table__
    c = table.c
    postgres = bind.dialect.name == "postgresql"
    if not postgres and not _local_sealer.acquire(blocking=False):
        return None
    try:
        with _transaction(bind) as connection:
            if postgres and not connection.scalar(
                select(func.pg_try_advisory_xact_lock(SEAL_LOCK))
            ):
                return None
            head = connection.execute(
                select(c.seq, c.hash).where(c.seq.is_not(None)).order_by(c.seq.desc()).limit(1)
            ).first()
            seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
            # No row locks: sealers take turns by the advisory lock (PostgreSQL) or by SQLite's
            # one writer, and nothing else changes an event.
            waiting = connection.execute(
                select(c.id, c.content_hash).where(c.seq.is_(None)).order_by(c.id).limit(batch)
            ).all()
            if not waiting:
                return 0
            links = []
            for row in waiting:
                seq += 1
                digest = link_hash(seq, prev, row.content_hash)
                links.append({"row_id": row.id, "seq": seq, "prev": prev, "link": digest})
                prev = digest
            connection.execute(
                update(table)
                .where(c.id == bindparam("row_id"))
                .values(seq=bindparam("seq"), prev_hash=bindparam("prev"), hash=bindparam("link")),
                links,
            )
            return len(links)
    finally:
        if not postgres:
            _local_sealer.release()


def _has_unsealed(bind: Engine | Connection) -> bool:
    c = AuditEvent.__table__.c
    with _transaction(bind) as connection:
        return connection.scalar(select(c.id).where(c.seq.is_(None)).limit(1)) is not None


@dataclass(frozen=True)
class Pending:
    """Events committed but not yet sealed, and how long the oldest has waited."""

    count: int
    oldest: datetime | None

    @property
    def lag_seconds(self) -> float:
        return (utcnow() - self.oldest).total_seconds() if self.oldest else 0.0


def pending() -> Pending:
    """The seal's lag, for /healthz and `flask audit verify`."""
    c = AuditEvent.__table__.c
    row = db.session.execute(
        select(func.count(), func.min(c.occurred_at)).where(c.seq.is_(None))
    ).one()
    oldest = row[1]
    if isinstance(oldest, str):  # SQLite answers an aggregate as text
        oldest = datetime.fromisoformat(oldest).replace(tzinfo=UTC)
    return Pending(count=row[0], oldest=oldest)


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a verification run."""

    checked: int
    problems: list[str]
    head: tuple[int, str] = (0, GENESIS)
    unsealed: int = 0

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(batch_size: int = 20_000) -> ChainReport:
    """Check every event's content and every link; report edited, inserted or deleted events.

    Events still waiting for their seal are checked for their content only."""
    if db.session.get_bind().dialect.name == "postgresql":
        return _verify_in_postgres()
    return _verify_here(batch_size)


def _verify_here(batch_size: int) -> ChainReport:
    """The walk in Python, over plain rows (SQLite, and the reference for the SQL below)."""
    c = AuditEvent.__table__.c
    content = [c[name] for name in CONTENT_FIELDS[:-1]] + [cast(c.data, String)]
    problems: list[str] = []
    expected_seq, prev_hash, checked, unsealed = 1, GENESIS, 0, 0
    rows = db.session.execute(
        select(c.id, c.seq, c.prev_hash, c.hash, c.content_hash, *content)
        .order_by(c.seq.is_(None), c.seq, c.id)
        .execution_options(yield_per=batch_size)
    )
    for row in rows:
        ident, seq, prev, digest, stored, *fields = row
        checked += 1
        if content_hash(*fields) != stored:
            where = f"seq {seq}" if seq is not None else "awaiting its seal"
            problems.append(f"event {where} (id {ident}): content was edited")
        if seq is None:
            unsealed += 1
            continue
        problems.extend(_link_problems(ident, seq, prev, digest, stored, expected_seq, prev_hash))
        expected_seq, prev_hash = seq + 1, digest
    return ChainReport(checked, problems, (expected_seq - 1, prev_hash), unsealed)


def _link_problems(
    ident: int, seq: int, prev: str, digest: str, stored: str, expected_seq: int, before: str
) -> list[str]:
    problems = []
    if seq != expected_seq:
        problems.append(f"event seq {expected_seq} missing before seq {seq} (deleted?)")
    if prev != before:
        problems.append(f"event seq {seq}: prev_hash does not match the event before")
    if link_hash(seq, prev, stored) != digest:
        problems.append(f"event seq {seq} (id {ident}): its place in the chain was edited")
    return problems


def _netstring_sql(value: Any) -> Any:
    return func.coalesce(
        cast(func.length(value), String) + literal(":") + value + literal(","), literal("-")
    )


def _content_sql() -> Any:
    """`content_text()` in SQL (PostgreSQL): the same text, built by the server."""
    c = AuditEvent.__table__.c
    micros = cast(func.extract("epoch", c.occurred_at) * 1_000_000, BigInteger)
    parts = [_netstring_sql(cast(micros, String))]
    for name in CONTENT_FIELDS[1:]:
        column = c[name]
        parts.append(_netstring_sql(cast(column, String)))
    return func.concat(*parts)


def _sha256_sql(value: Any) -> Any:
    return func.encode(func.sha256(func.convert_to(value, "UTF8")), "hex")


def _verify_in_postgres() -> ChainReport:
    """The same checks as `_verify_here`, computed by PostgreSQL: only problems come back.

    Two set-wise passes that the server can run in parallel and hashes in C: every event's
    content and link hash (a scan), and every sealed event against the one at seq + 1 (a join);
    the few events around a gap are then looked at one by one."""
    table = AuditEvent.__table__
    c = table.c
    # The planner counts sha256() as cheap and would scan in one process; these passes are
    # worth the parallel workers (for this transaction only).
    db.session.execute(text("SET LOCAL parallel_setup_cost = 0"))
    db.session.execute(text("SET LOCAL parallel_tuple_cost = 0"))
    found: list[tuple[int, int, str]] = []  # (seq, order of the check, problem), sorted below
    edited = _sha256_sql(_content_sql()) != c.content_hash
    relinked = and_(
        c.seq.is_not(None),
        _sha256_sql(
            cast(c.seq, String) + literal("|") + c.prev_hash + literal("|") + c.content_hash
        )
        != c.hash,
    )
    rows = db.session.execute(
        select(c.id, c.seq, edited.label("edited"), relinked.label("relinked"))
        .where(or_(edited, relinked))
        .limit(_MAX_PROBLEMS)
    )
    for row in rows:
        if row.edited:
            where = f"seq {row.seq}" if row.seq is not None else "awaiting its seal"
            place = row.seq if row.seq is not None else _AFTER_ALL + row.id
            found.append((place, 0, f"event {where} (id {row.id}): content was edited"))
        if row.relinked:
            found.append(
                (
                    row.seq,
                    3,
                    f"event seq {row.seq} (id {row.id}): its place in the chain was edited",
                )
            )
    after = table.alias("after")
    last = select(func.max(c.seq)).scalar_subquery()
    breaks = db.session.execute(
        select(c.seq, c.hash, after.c.seq.label("next_seq"), after.c.prev_hash.label("next_prev"))
        .select_from(table.outerjoin(after, after.c.seq == c.seq + 1))
        .where(
            c.seq.is_not(None),
            c.seq < last,
            or_(after.c.id.is_(None), after.c.prev_hash != c.hash),
        )
        .limit(_MAX_PROBLEMS)
    ).all()
    for row in breaks:
        next_seq, next_prev = row.next_seq, row.next_prev
        if next_seq is None:  # a gap: compare with the next event there is
            following = db.session.execute(
                select(c.seq, c.prev_hash).where(c.seq > row.seq).order_by(c.seq).limit(1)
            ).one()
            next_seq, next_prev = following
            found.append(
                (next_seq, 1, f"event seq {row.seq + 1} missing before seq {next_seq} (deleted?)")
            )
        if next_prev != row.hash:
            found.append(
                (next_seq, 2, f"event seq {next_seq}: prev_hash does not match the event before")
            )
    first = db.session.execute(
        select(c.seq, c.prev_hash).where(c.seq.is_not(None)).order_by(c.seq).limit(1)
    ).first()
    if first is not None and first.seq != 1:
        found.append((first.seq, 1, f"event seq 1 missing before seq {first.seq} (deleted?)"))
    if first is not None and first.prev_hash != GENESIS:
        found.append(
            (first.seq, 2, f"event seq {first.seq}: prev_hash does not match the event before")
        )
    totals = db.session.execute(select(func.count(), func.count(c.seq), func.max(c.seq))).one()
    head_hash = (
        db.session.scalar(select(c.hash).where(c.seq == totals[2])) if totals[2] else GENESIS
    )
    return ChainReport(
        checked=totals[0],
        problems=[problem for *_, problem in sorted(found)],
        head=(totals[2] or 0, head_hash),
        unsealed=totals[0] - totals[1],
    )
