"""a parcel's province, from which a crop claim takes its own

Revision ID: a1b2c3d4e5f6
Revises: 690cdabf5683
Create Date: 2026-12-10 10:00:00

Issue 14, fewer questions. `parcels.province` (optional, a two-letter code) is where the
parcel lies; a crop claim takes its province from its parcels when they agree, and asks only
when they do not. Existing parcels get the province of the claims they were on, when those
all name the same one; the others stay unknown (the claim form asks, the farmer may fill it in).
"""
from alembic import op
import sqlalchemy as sa


revision = 'a1b2c3d4e5f6'
down_revision = '690cdabf5683'
branch_labels = None
depends_on = None

#: The provinces of the claims a parcel was on (SQL shared by PostgreSQL and SQLite).
_CLAIMED = (
    "FROM claim_parcels cp JOIN claims c ON c.id = cp.claim_id WHERE cp.parcel_id = parcels.id"
)


def upgrade():
    # The CHECK goes with the column: SQLite adds such a column in place, where a constraint
    # of its own would have the table rebuilt (refused while claim_parcels refers to it).
    op.add_column(
        'parcels',
        sa.Column(
            'province',
            sa.String(length=2),
            sa.CheckConstraint(
                "province IN ('GR', 'FR', 'DR', 'OV', 'FL', 'GE', 'UT', 'NH', 'ZH', 'ZE', 'NB', "
                "'LI')",
                name=op.f('ck_parcels_province_is_province'),
            ),
            nullable=True,
        ),
    )
    op.execute(
        f"UPDATE parcels SET province = (SELECT MIN(c.province) {_CLAIMED}) "
        f"WHERE (SELECT COUNT(DISTINCT c.province) {_CLAIMED}) = 1"
    )


def downgrade():
    with op.batch_alter_table('parcels', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_parcels_province_is_province'), type_='check')
        batch_op.drop_column('province')
