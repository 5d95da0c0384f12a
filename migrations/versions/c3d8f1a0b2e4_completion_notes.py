"""completion notes out of the audit chain

Revision ID: c3d8f1a0b2e4
Revises: b7c41e2a9d10
Create Date: 2026-12-01 22:00:00

The note a farmer writes on completing a claim was stored in the audit event's data, which is
append-only and hash-chained, so erasing the farmer could not erase it. It now has a table of
its own that erasure clears; the event keeps only the note's id. Notes already in the chain
stay there (changing them would break the chain); README, "Privacy", says so.
"""
from alembic import op
import sqlalchemy as sa

import faunaschade.models.base


revision = 'c3d8f1a0b2e4'
down_revision = 'b7c41e2a9d10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('completion_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_by', sa.Integer(), nullable=False),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_completion_notes_claim_id_claims')),
    sa.ForeignKeyConstraint(['written_by'], ['users.id'], name=op.f('fk_completion_notes_written_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion_notes'))
    )
    with op.batch_alter_table('completion_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completion_notes_claim_id'), ['claim_id'], unique=False)


def downgrade():
    with op.batch_alter_table('completion_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_completion_notes_claim_id'))
    op.drop_table('completion_notes')
