"""farmer's phone number; a zienswijze may be the farmer's agreement with the assessment

Revision ID: 690cdabf5683
Revises: d4e5f6a7b8c9
Create Date: 2026-12-03 10:00:00

Issue 14. `farmer_profiles.phone` is optional (+31 and 9 digits) so an officer can arrange a
visit after a wolf attack; it is exported and erased with the rest of the profile.
`zienswijzen.agreed` marks the farmer's "akkoord met de taxatie": a response that closes the
zienswijze window at once; existing rows are real zienswijzen (false).
"""
from alembic import op
import sqlalchemy as sa


revision = '690cdabf5683'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('farmer_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=16), nullable=True))
    with op.batch_alter_table('zienswijzen', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('agreed', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('zienswijzen', schema=None) as batch_op:
        batch_op.drop_column('agreed')
    with op.batch_alter_table('farmer_profiles', schema=None) as batch_op:
        batch_op.drop_column('phone')
