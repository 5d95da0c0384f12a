"""open data releases

Revision ID: o18a1b2c3d4e5
Revises: v17a1b2c3d4e5
Create Date: 2026-12-08 03:00:00.000000

Issue 17 follow-up. `open_data_releases` holds the open data as published releases — frozen,
suppressed figures cut at a moment — instead of figures recomputed as the data change, which
anyone could difference. A new table only.
"""
from alembic import op
import sqlalchemy as sa

import faunaschade.models.base


revision = 'o18a1b2c3d4e5'
down_revision = 'v17a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('open_data_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('data_version', sa.String(length=64), nullable=False),
    sa.Column('min_cell', sa.Integer(), nullable=False),
    sa.Column('min_farmers', sa.Integer(), nullable=False),
    sa.Column('cube', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('contributions', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_data_releases'))
    )
    with op.batch_alter_table('open_data_releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open_data_releases_sha256'), ['sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('open_data_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open_data_releases_sha256'))
    op.drop_table('open_data_releases')
