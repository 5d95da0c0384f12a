"""audit checkpoints

Revision ID: p17a1b2c3d4e5
Revises: t16a1b2c3d4e5
Create Date: 2026-12-07 03:00:00.000000

Issue 17, parts 3-4. `audit_checkpoints` holds the audit chain's head as it stood at a moment
(seq, hash, time), signed with the service's certificate, so that a chain whose newest events
were deleted shows against the last published checkpoint. A new table only.
"""
from alembic import op
import sqlalchemy as sa

import faunaschade.models.base


revision = 'p17a1b2c3d4e5'
down_revision = 't16a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('algorithm', sa.String(length=20), nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.Column('certificate_sha256', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_checkpoints_seq'))
    )


def downgrade():
    op.drop_table('audit_checkpoints')
