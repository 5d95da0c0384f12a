"""audit events sealed after the commit

Revision ID: f6a7b8c9d0e1
Revises: c3d8f1a0b2e4
Create Date: 2026-12-02 06:00:00

An audit event is written with a content hash in the caller's transaction and sealed into the
chain after the commit (faunaschade/audit/chain.py), so no request holds a chain-wide lock.
seq, prev_hash and hash become NULL until sealed; data is kept as the exact canonical text the
content hash covers. The existing chain is checked with the old formula first (a broken chain
stops the upgrade: re-hashing it would hide the damage), then every event is re-hashed with the
new one, in the same order, and one "audit.chain_migrated" event records the old head.
"""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import faunaschade.models.base

revision = "f6a7b8c9d0e1"
down_revision = "c3d8f1a0b2e4"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIELDS = ("occurred_at", "actor_id", "action", "object_type", "object_id", "claim_id",
          "from_status", "to_status", "reason")  # fmt: skip


def _events(data_type):
    return sa.table(
        "audit_events",
        sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
        sa.column("occurred_at", faunaschade.models.base.UtcDateTime()),
        sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
        sa.column("object_type", sa.String), sa.column("object_id", sa.Integer),
        sa.column("claim_id", sa.Integer), sa.column("from_status", sa.String),
        sa.column("to_status", sa.String), sa.column("reason", sa.Text),
        sa.column("data", data_type), sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String), sa.column("content_hash", sa.String),
    )  # fmt: skip


def _old_hash(values, seq, prev_hash):
    # The formula of the first release, frozen here.
    fields = {name: values[name] for name in FIELDS}
    fields["occurred_at"] = values["occurred_at"].isoformat(timespec="microseconds")
    fields.update(seq=seq, data=json.loads(values["data"]), prev_hash=prev_hash)
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _netstring(value):
    return "-" if value is None else f"{len(value)}:{value},"


def _content_hash(values, data_text):
    micros = (values["occurred_at"] - EPOCH) // timedelta(microseconds=1)
    parts = [str(micros)] + [None if values[n] is None else str(values[n]) for n in FIELDS[1:]]
    text = "".join(_netstring(p) for p in [*parts, data_text])
    return hashlib.sha256(text.encode()).hexdigest()


def _link(seq, prev, content):
    return hashlib.sha256(f"{seq}|{prev}|{content}".encode()).hexdigest()


def upgrade():
    bind = op.get_bind()
    # Check the old chain before touching anything (SQLite's DDL is not transactional).
    table = _events(sa.Text)
    columns = [c for c in table.c if c.name not in ("data", "content_hash")]
    rows = bind.execute(
        sa.select(*columns, sa.cast(table.c.data, sa.Text).label("data")).order_by(table.c.seq)
    ).all()
    expected, prev_old, prev_new, updates = 1, GENESIS, GENESIS, []
    for row in rows:
        if row.seq != expected or row.prev_hash != prev_old:
            raise RuntimeError(f"audit chain broken at seq {row.seq}: fix or restore it first")
        if _old_hash(row._mapping, row.seq, row.prev_hash) != row.hash:
            raise RuntimeError(f"audit event seq {row.seq} was edited: fix or restore it first")
        content = _content_hash(row._mapping, row.data)
        link = _link(row.seq, prev_new, content)
        updates.append({"row_id": row.id, "content": content, "prev": prev_new, "link": link})
        expected, prev_old, prev_new = row.seq + 1, row.hash, link
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=True)
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=True)
        batch.alter_column(
            "data", existing_type=sa.JSON(), type_=sa.Text(), existing_nullable=False,
            postgresql_using="data::text",
        )  # fmt: skip
    if updates:
        # Unique (prev_hash, hash): clear them first, then write the new chain.
        bind.execute(sa.update(table).values(prev_hash=None, hash=None))
        bind.execute(
            sa.update(table).where(table.c.id == sa.bindparam("row_id")).values(
                content_hash=sa.bindparam("content"), prev_hash=sa.bindparam("prev"),
                hash=sa.bindparam("link"),
            ),
            updates,
        )  # fmt: skip
        now = datetime.now(UTC)
        data = json.dumps({"old_head_hash": prev_old, "old_head_seq": expected - 1},
                          sort_keys=True, separators=(",", ":"))  # fmt: skip
        values = dict.fromkeys(FIELDS)
        values.update(occurred_at=now, action="audit.chain_migrated", object_type="system",
                      reason="Hashketen omgezet naar verzegelen na de commit")  # fmt: skip
        content = _content_hash(values, data)
        bind.execute(
            sa.insert(table).values(
                **values, seq=expected, data=data, content_hash=content, prev_hash=prev_new,
                hash=_link(expected, prev_new, content),
            )
        )  # fmt: skip
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("content_hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_index(
            "ix_audit_events_unsealed", ["id"], unique=False,
            postgresql_where=sa.text("seq IS NULL"), sqlite_where=sa.text("seq IS NULL"),
        )  # fmt: skip


def downgrade():
    # Back to the first release's formula: seal what waits, then re-hash in chain order.
    bind = op.get_bind()
    table = _events(sa.Text)
    rows = bind.execute(
        sa.select(table).order_by(table.c.seq.is_(None), table.c.seq, table.c.id)
    ).all()
    bind.execute(sa.update(table).values(prev_hash=None, hash=None))
    prev, updates = GENESIS, []
    for seq, row in enumerate(rows, start=1):
        digest = _old_hash(row._mapping, seq, prev)
        updates.append({"row_id": row.id, "seq": seq, "prev": prev, "link": digest})
        prev = digest
    if updates:
        bind.execute(sa.update(table).values(seq=None))
        bind.execute(
            sa.update(table).where(table.c.id == sa.bindparam("row_id")).values(
                seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev"), hash=sa.bindparam("link"),
            ),
            updates,
        )  # fmt: skip
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_unsealed")
        batch.drop_column("content_hash")
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column(
            "data", existing_type=sa.Text(), type_=sa.JSON(), existing_nullable=False,
            postgresql_using="data::json",
        )  # fmt: skip
