"""payment batches: one live batch per claim, batch totals kept by the database

Revision ID: 993275a3fc02
Revises: 63507218ad18
Create Date: 2026-11-23 00:24:06.386300

A claim gets an entry per batch (payment_batch_claims); its `live_claim_id` is unique and
cleared only when the batch is cancelled, so a claim sits in at most one open or paid batch.
Transfers (payment_batch_items) point at their claim's entry in the same batch.

Triggers keep payment_batches.total equal to the sum of its items and refuse any other value,
on PostgreSQL (plpgsql) and on SQLite. A later migration that makes Alembic recreate
payment_batches or payment_batch_items on SQLite (batch mode) drops their triggers and must
create them again (tests/payouts/test_payment_batches.py notices when they are gone).
"""
from alembic import op
import sqlalchemy as sa

import faunaschade.models.base


# revision identifiers, used by Alembic.
revision = '993275a3fc02'
down_revision = '63507218ad18'
branch_labels = None
depends_on = None

MISMATCH = "payment batch total must equal the sum of its items"

POSTGRES_TRIGGERS = [
    f"""
    CREATE FUNCTION payment_batch_total_check() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.total <> (SELECT COALESCE(SUM(amount), 0) FROM payment_batch_items
                       WHERE batch_id = NEW.id) THEN
        RAISE EXCEPTION '{MISMATCH} (batch %, total %)', NEW.id, NEW.total
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER payment_batches_total_check
    BEFORE INSERT OR UPDATE OF total ON payment_batches
    FOR EACH ROW EXECUTE FUNCTION payment_batch_total_check()
    """,
    """
    CREATE FUNCTION payment_batch_total_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        UPDATE payment_batches SET total = (
          SELECT COALESCE(SUM(amount), 0) FROM payment_batch_items WHERE batch_id = OLD.batch_id
        ) WHERE id = OLD.batch_id;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        UPDATE payment_batches SET total = (
          SELECT COALESCE(SUM(amount), 0) FROM payment_batch_items WHERE batch_id = NEW.batch_id
        ) WHERE id = NEW.batch_id;
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER payment_batch_items_total_follow
    AFTER INSERT OR DELETE OR UPDATE OF amount, batch_id ON payment_batch_items
    FOR EACH ROW EXECUTE FUNCTION payment_batch_total_follow()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS payment_batch_items_total_follow ON payment_batch_items",
    "DROP FUNCTION IF EXISTS payment_batch_total_follow()",
    "DROP TRIGGER IF EXISTS payment_batches_total_check ON payment_batches",
    "DROP FUNCTION IF EXISTS payment_batch_total_check()",
]

# SQLite keeps Numeric as REAL: compare and store sums rounded to cents.
_SQLITE_SUM = "SELECT ROUND(COALESCE(SUM(amount), 0), 2) FROM payment_batch_items WHERE batch_id = {}"
_SQLITE_FOLLOW = "UPDATE payment_batches SET total = ({}) WHERE id = {};"
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER payment_batches_total_insert BEFORE INSERT ON payment_batches
    WHEN ROUND(NEW.total, 2) <> 0
    BEGIN SELECT RAISE(ABORT, '{MISMATCH}'); END
    """,
    f"""
    CREATE TRIGGER payment_batches_total_update BEFORE UPDATE OF total ON payment_batches
    WHEN ROUND(NEW.total, 2) <> ({_SQLITE_SUM.format("NEW.id")})
    BEGIN SELECT RAISE(ABORT, '{MISMATCH}'); END
    """,
    f"""
    CREATE TRIGGER payment_batch_items_total_insert AFTER INSERT ON payment_batch_items
    BEGIN {_SQLITE_FOLLOW.format(_SQLITE_SUM.format("NEW.batch_id"), "NEW.batch_id")} END
    """,
    f"""
    CREATE TRIGGER payment_batch_items_total_delete AFTER DELETE ON payment_batch_items
    BEGIN {_SQLITE_FOLLOW.format(_SQLITE_SUM.format("OLD.batch_id"), "OLD.batch_id")} END
    """,
    f"""
    CREATE TRIGGER payment_batch_items_total_update
    AFTER UPDATE OF amount, batch_id ON payment_batch_items
    BEGIN
      {_SQLITE_FOLLOW.format(_SQLITE_SUM.format("OLD.batch_id"), "OLD.batch_id")}
      {_SQLITE_FOLLOW.format(_SQLITE_SUM.format("NEW.batch_id"), "NEW.batch_id")}
    END
    """,
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "payment_batch_items_total_update",
        "payment_batch_items_total_delete",
        "payment_batch_items_total_insert",
        "payment_batches_total_update",
        "payment_batches_total_insert",
    )
]


def _statements(postgres: list[str], sqlite: list[str]) -> list[str]:
    dialect = op.get_bind().dialect.name
    return {"postgresql": postgres, "sqlite": sqlite}.get(dialect, [])


def upgrade():
    # Nothing before this revision could make a payment batch (its services did not exist), so
    # there is nothing to carry over; refuse clearly rather than guess at hand-made rows.
    if op.get_bind().execute(sa.text("SELECT COUNT(*) FROM payment_batches")).scalar():
        raise RuntimeError(
            "payment_batches has rows from before revision 993275a3fc02; empty "
            "payment_batch_items and payment_batches first"
        )
    op.create_table('payment_batch_claims',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('live_claim_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('live_claim_id IS NULL OR live_claim_id = claim_id', name=op.f('ck_payment_batch_claims_live_claim_is_claim')),
    sa.ForeignKeyConstraint(['batch_id'], ['payment_batches.id'], name=op.f('fk_payment_batch_claims_batch_id_payment_batches')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_payment_batch_claims_claim_id_claims')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_payment_batch_claims_decision_id_decisions')),
    sa.PrimaryKeyConstraint('batch_id', 'claim_id', name=op.f('pk_payment_batch_claims')),
    sa.UniqueConstraint('live_claim_id', name=op.f('uq_payment_batch_claims_live_claim_id'))
    )
    with op.batch_alter_table('payment_batch_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_batch_claims_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_batch_claims_decision_id'), ['decision_id'], unique=False)

    with op.batch_alter_table('payment_batch_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('creditor_name', sa.String(length=70), nullable=False))
        batch_op.add_column(sa.Column('creditor_iban', sa.String(length=34), nullable=False))
        batch_op.add_column(sa.Column('remittance', sa.String(length=140), nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_payment_batch_items_open_key_kind'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_payment_batch_items_batch_id_claim_id_kind'), ['batch_id', 'claim_id', 'kind'])
        batch_op.create_foreign_key(batch_op.f('fk_payment_batch_items_batch_id_payment_batch_claims'), 'payment_batch_claims', ['batch_id', 'claim_id'], ['batch_id', 'claim_id'])
        batch_op.drop_column('open_key')

    with op.batch_alter_table('payment_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('file_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_payment_batches_file_id_stored_files'), 'stored_files', ['file_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_payment_batches_approved_first'), "status IN ('draft', 'cancelled') OR approved_by IS NOT NULL")
        batch_op.create_check_constraint(batch_op.f('ck_payment_batches_exported_with_message'), "status NOT IN ('exported', 'paid') OR (message_id IS NOT NULL AND exported_at IS NOT NULL)")
        batch_op.create_check_constraint(batch_op.f('ck_payment_batches_paid_with_date'), "status <> 'paid' OR paid_at IS NOT NULL")

    for statement in _statements(POSTGRES_TRIGGERS, SQLITE_TRIGGERS):
        op.execute(statement)


def downgrade():
    # With batches in the tables this works on PostgreSQL; SQLite cannot recreate
    # payment_batches under its children (foreign keys), so empty the batch tables there first.
    for statement in _statements(POSTGRES_DROP, SQLITE_DROP):
        op.execute(statement)
    with op.batch_alter_table('payment_batches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_payment_batches_paid_with_date'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_payment_batches_exported_with_message'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_payment_batches_approved_first'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_payment_batches_file_id_stored_files'), type_='foreignkey')
        batch_op.drop_column('version')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('file_id')
        batch_op.drop_column('approved_at')

    with op.batch_alter_table('payment_batch_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_key', sa.INTEGER(), nullable=True))
        batch_op.drop_constraint(batch_op.f('fk_payment_batch_items_batch_id_payment_batch_claims'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_payment_batch_items_batch_id_claim_id_kind'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_payment_batch_items_open_key_kind'), ['open_key', 'kind'])
        batch_op.drop_column('remittance')
        batch_op.drop_column('creditor_iban')
        batch_op.drop_column('creditor_name')
    op.execute(
        "UPDATE payment_batch_items SET open_key = decision_id WHERE batch_id IN "
        "(SELECT id FROM payment_batches WHERE status <> 'cancelled')"
    )

    with op.batch_alter_table('payment_batch_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_batch_claims_decision_id'))
        batch_op.drop_index(batch_op.f('ix_payment_batch_claims_claim_id'))

    op.drop_table('payment_batch_claims')
