"""Append-only, hash-chained audit events: record one, verify the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from faunaschade.extensions import db
from faunaschade.models.audit import AuditEvent
from faunaschade.models.base import utcnow

GENESIS = "0" * 64
_HEAD = "audit_head"
# Any fixed number: the advisory lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK = 815_301


def _canonical(event_: AuditEvent) -> bytes:
    fields = {
        "seq": event_.seq,
        "occurred_at": event_.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": event_.actor_id,
        "action": event_.action,
        "object_type": event_.object_type,
        "object_id": event_.object_id,
        "claim_id": event_.claim_id,
        "from_status": event_.from_status,
        "to_status": event_.to_status,
        "reason": event_.reason,
        "data": event_.data,
        "prev_hash": event_.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(event_: AuditEvent) -> str:
    """SHA-256 over the event's fields and the previous hash."""
    return hashlib.sha256(_canonical(event_)).hexdigest()


def _head(session: Session) -> tuple[int, str]:
    """Last (seq, hash) of the chain, locking the chain for this transaction."""
    cached = session.info.get(_HEAD)
    if cached is not None:
        return cached
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    row = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


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
    """Append one event to the chain (flushed, committed with the caller's transaction)."""
    session = db.session()
    seq, prev_hash = _head(session)
    event_ = AuditEvent(
        seq=seq + 1,
        occurred_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "system",
        object_id=getattr(obj, "id", None),
        claim_id=claim_id,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        # Round-trip through JSON so the hash covers exactly what the database stores.
        data=json.loads(json.dumps(data or {}, default=str)),
        prev_hash=prev_hash,
    )
    event_.hash = compute_hash(event_)
    session.add(event_)
    session.flush()
    session.info[_HEAD] = (event_.seq, event_.hash)
    return event_


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_head(session: Session, *_args: Any) -> None:
    session.info.pop(_HEAD, None)


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a verification run."""

    checked: int
    problems: list[str]
    head: tuple[int, str] = (0, GENESIS)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in order; report edited, inserted or deleted events."""
    problems: list[str] = []
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    rows = db.session.execute(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch_size)
    ).scalars()
    for event_ in rows:
        checked += 1
        if event_.seq != expected_seq:
            problems.append(f"event seq {expected_seq} missing before seq {event_.seq} (deleted?)")
        if event_.prev_hash != prev_hash:
            problems.append(f"event seq {event_.seq}: prev_hash does not match the event before")
        if compute_hash(event_) != event_.hash:
            problems.append(f"event seq {event_.seq} (id {event_.id}): content was edited")
        expected_seq, prev_hash = event_.seq + 1, event_.hash
    return ChainReport(checked=checked, problems=problems, head=(expected_seq - 1, prev_hash))
