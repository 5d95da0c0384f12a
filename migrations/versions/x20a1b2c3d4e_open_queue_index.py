"""the queue's order index holds the open claims only

Revision ID: x20a1b2c3d4e
Revises: w19a1b2c3d4e
Create Date: 2026-12-07 22:40:00

The officer's queue chooses its page from the claims table alone and counts every open claim in
scope beside it (claims.worklist). Through the index of all claims, a plan made once for the
prepared statement walked every claim ever filed, closed ones included, to find the open ones;
the partial index holds the open claims only, so the page and its count grow with the open
claims, not with the years of closed ones.
"""
from alembic import op
import sqlalchemy as sa

revision = 'x20a1b2c3d4e'
down_revision = 'w19a1b2c3d4e'
branch_labels = None
depends_on = None

OPEN = ("status IN ('submitted', 'incomplete', 'assessment_ordered', 'assessed', 'proposed', "
        "'objection')")


def upgrade():
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_queue_order')
        batch_op.create_index('ix_claims_open_queue_order', ['penalty_from', 'next_due_at', 'id'],
                              unique=False, postgresql_where=sa.text(OPEN),
                              sqlite_where=sa.text(OPEN))


def downgrade():
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_open_queue_order')
        batch_op.create_index('ix_claims_queue_order', ['penalty_from', 'next_due_at', 'id'],
                              unique=False)
