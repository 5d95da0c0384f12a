"""one open proposal and one paid payment per claim; payments can be refund_due

Revision ID: b7c41e2a9d10
Revises: 993275a3fc02
Create Date: 2026-12-01 21:45:00

Two officers proposing at once on a claim whose status a proposal does not change (objection,
incomplete) could leave two open proposals; four simultaneous confirmations of one payment
could mark it paid more than once. Partial unique indexes make both impossible whatever the
code does. A payment the provider reports paid after we cancelled it becomes `refund_due`.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7c41e2a9d10'
down_revision = '993275a3fc02'
branch_labels = None
depends_on = None

OLD = ('open', 'paid', 'cancelled', 'failed')
NEW = (*OLD, 'refund_due')


def _status(values):
    return sa.Enum(*values, name='payment_status', native_enum=False, create_constraint=True,
                   length=32)


def upgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=_status(OLD), type_=_status(NEW),
                              existing_nullable=False)
        batch_op.create_index('uq_payments_one_paid_per_claim', ['claim_id'], unique=True,
                              postgresql_where=sa.text("status = 'paid'"),
                              sqlite_where=sa.text("status = 'paid'"))
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index('uq_proposals_one_open_per_claim', ['claim_id'], unique=True,
                              postgresql_where=sa.text("status = 'open'"),
                              sqlite_where=sa.text("status = 'open'"))


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index('uq_proposals_one_open_per_claim')
    op.execute("UPDATE payments SET status = 'cancelled' WHERE status = 'refund_due'")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('uq_payments_one_paid_per_claim')
        batch_op.alter_column('status', existing_type=_status(NEW), type_=_status(OLD),
                              existing_nullable=False)
