"""Audit checkpoints: the chain's head, signed and published, so a truncated chain shows.

A hash chain cannot show its newest events deleted: what remains is still a consistent chain.
A checkpoint fixes the head as it stood — seq, hash, time — signed with the service's
certificate (documents.signing; RSA or ECDSA over the statement "seq|hash|time") and published:
`GET /api/v1/audit/checkpoints/latest`, the application log, the open-data and letter-check
pages. Keep published checkpoints elsewhere; `flask audit verify --against FILE` then checks
that the chain still reaches the checkpoint's seq with the checkpoint's hash there.

Written by every `flask worker` each AUDIT_CHECKPOINT_INTERVAL_SECONDS (one at a time; nothing
when the head has not moved since the last one) and by `flask audit checkpoint`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from faunaschade.audit.chain import GENESIS, seal, verify
from faunaschade.documents.signing import SigningUnavailable, current_signer, verify_bytes
from faunaschade.extensions import db
from faunaschade.models import AuditCheckpoint, AuditEvent
from faunaschade.models.base import utcnow

# Any fixed number: one checkpoint writer at a time (PostgreSQL).
CHECKPOINT_LOCK = 815_302
log = logging.getLogger(__name__)


class CheckpointRefused(RuntimeError):
    """The chain no longer agrees with the checkpoints already written (named in the text)."""


def moment_text(moment: datetime) -> str:
    """The time as the statement writes it: UTC, ISO 8601 with microseconds."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def statement(seq: int, head_hash: str, created_at: datetime) -> str:
    """What a checkpoint's signature is over: "seq|hash|time"."""
    return f"{seq}|{head_hash}|{moment_text(created_at)}"


def published(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """The checkpoint as published (JSON-ready); `flask audit verify --against` reads it back."""
    answer: dict[str, Any] = {
        "id": checkpoint.id,
        "seq": checkpoint.seq,
        "head_hash": checkpoint.head_hash,
        "created_at": moment_text(checkpoint.created_at),
        "statement": statement(checkpoint.seq, checkpoint.head_hash, checkpoint.created_at),
        "algorithm": checkpoint.algorithm,
        "signature": checkpoint.signature,
        "certificate_sha256": checkpoint.certificate_sha256,
    }
    try:
        signer = current_signer()
    except SigningUnavailable:
        return answer
    if signer.fingerprint == checkpoint.certificate_sha256:
        answer["certificate"] = signer.certificate_pem
    return answer


def latest() -> AuditCheckpoint | None:
    """The newest checkpoint."""
    return db.session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1))


def _sealed_head() -> tuple[int, str]:
    c = AuditEvent.__table__.c
    row = db.session.execute(
        select(c.seq, c.hash).where(c.seq.is_not(None)).order_by(c.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def _take_lock() -> bool:
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.scalar(select(func.pg_try_advisory_xact_lock(CHECKPOINT_LOCK))))


def write_checkpoint() -> tuple[AuditCheckpoint | None, bool]:
    """Seal, then sign the head: (the checkpoint, True when it is new). The caller commits.

    When the head has not moved, the latest checkpoint is returned (False). (None, False) when
    another process is writing one right now. CheckpointRefused when the chain is shorter than
    the latest checkpoint or differs from it: that is what checkpoints are for, and a new one
    would paper over it."""
    seal()
    if not _take_lock():
        return None, False
    seq, head_hash = _sealed_head()
    last = latest()
    if last is not None and seq < last.seq:
        raise CheckpointRefused(
            f"the chain ends at seq {seq}, below checkpoint {last.id} at seq {last.seq}: "
            f"events were deleted (flask audit verify --against {last.id})"
        )
    same_place = db.session.scalar(select(AuditCheckpoint).where(AuditCheckpoint.seq == seq))
    if same_place is not None:
        if same_place.head_hash != head_hash:
            raise CheckpointRefused(
                f"the event at seq {seq} is not the one checkpoint {same_place.id} signed"
            )
        return same_place, False
    signer = current_signer()
    created = utcnow()
    checkpoint = AuditCheckpoint(
        seq=seq,
        head_hash=head_hash,
        created_at=created,
        algorithm=signer.algorithm,
        signature=signer.sign_bytes(statement(seq, head_hash, created).encode()),
        certificate_sha256=signer.fingerprint,
    )
    db.session.add(checkpoint)
    db.session.flush()
    log.info("audit checkpoint %s", json.dumps(published(checkpoint), sort_keys=True))
    return checkpoint, True


def due(interval: float) -> bool:
    """True when no checkpoint was written in the last `interval` seconds."""
    newest = db.session.scalar(select(func.max(AuditCheckpoint.created_at)))
    if newest is None:
        return True
    if isinstance(newest, str):  # SQLite answers an aggregate as text
        newest = datetime.fromisoformat(newest).replace(tzinfo=UTC)
    return (utcnow() - newest).total_seconds() >= interval


def checkpoint_continuously(
    app: Flask,
    stop: threading.Event,
    guard: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> None:
    """Write a checkpoint every AUDIT_CHECKPOINT_INTERVAL_SECONDS until `stop` is set (a
    thread of flask worker; every worker runs one, the lock and `due` keep it to one)."""
    interval = app.config["AUDIT_CHECKPOINT_INTERVAL_SECONDS"]
    poll = min(max(interval / 10, 0.5), 60.0)
    while not stop.wait(poll):
        with guard(), app.app_context():
            try:
                if due(interval):
                    write_checkpoint()
                db.session.commit()
            except CheckpointRefused as exc:
                db.session.rollback()
                log.error("audit checkpoint refused: %s", exc)
            except (SQLAlchemyError, SigningUnavailable):
                db.session.rollback()
                log.exception("writing an audit checkpoint failed; the next round tries again")


def load_published(text: str) -> dict[str, Any]:
    """A published checkpoint (JSON) read back; ValueError naming what is missing."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a checkpoint is a JSON object")
    for name, kind in (("seq", int), ("head_hash", str), ("created_at", str), ("signature", str)):
        if not isinstance(data.get(name), kind) or isinstance(data.get(name), bool):
            raise ValueError(f"the checkpoint's {name!r} is missing or not a {kind.__name__}")
    datetime.fromisoformat(data["created_at"])
    return data


def check_against(checkpoint: dict[str, Any]) -> tuple[list[str], tuple[int, str]]:
    """Problems of the chain measured against a published checkpoint, and the chain's head.

    The checkpoint's own signature must verify with our certificate; the chain must be intact
    (`verify`), reach the checkpoint's seq and have the checkpoint's hash there."""
    problems: list[str] = []
    seq, head_hash = checkpoint["seq"], checkpoint["head_hash"]
    created = datetime.fromisoformat(checkpoint["created_at"])
    signer = current_signer()
    if not verify_bytes(
        signer.certificate, statement(seq, head_hash, created).encode(), checkpoint["signature"]
    ):
        problems.append(
            "the checkpoint's signature does not verify with our certificate "
            f"(SHA-256 {signer.fingerprint}): it is not a checkpoint we published, or was edited"
        )
    report = verify()
    problems.extend(report.problems)
    head_seq = report.head[0]
    if head_seq < seq:
        problems.append(
            f"TRUNCATED: the chain ends at seq {head_seq}, but checkpoint seq {seq} "
            f"({checkpoint['created_at']}) was published: the newest {seq - head_seq} "
            "event(s) were deleted"
        )
    elif seq > 0:
        c = AuditEvent.__table__.c
        found = db.session.scalar(select(c.hash).where(c.seq == seq))
        if found != head_hash:
            problems.append(
                f"the event at seq {seq} does not have the checkpoint's hash: the chain was "
                "rewritten after the checkpoint"
            )
    return problems, report.head
