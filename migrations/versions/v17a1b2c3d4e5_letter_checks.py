"""letter checks

Revision ID: v17a1b2c3d4e5
Revises: e18a1b2c3d4e
Create Date: 2026-12-07 03:24:22.445736

The public letter check answers asynchronously: `letter_checks` holds an upload until the
worker has checked its signature (then only the verdict), under an unguessable token, for
about an hour. A new table only.
"""
from alembic import op
import sqlalchemy as sa

import faunaschade.models.base


# revision identifiers, used by Alembic.
revision = 'v17a1b2c3d4e5'
down_revision = 'e18a1b2c3d4e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('pending', 'done', 'failed', name='letter_check_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('checked_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_checks')),
    sa.UniqueConstraint('token', name=op.f('uq_letter_checks_token'))
    )
    with op.batch_alter_table('letter_checks', schema=None) as batch_op:
        batch_op.create_index('ix_letter_checks_created_at', ['created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('letter_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_letter_checks_created_at')

    op.drop_table('letter_checks')
