"""free damage reports (meldingen)

Revision ID: m15a1b2c3d4e
Revises: g16a0b1c2d3e4
Create Date: 2026-12-07 02:05:08.128112

Issue 15, part 2. A melding records crop damage without applying: no leges, no assessment,
no payment. `damage_reports` holds the melding (its reference M-<year>-<id>, the farmer and
the user who reported it, province, crop, discovery day, estimate, note and the claim made
from it, unique: converted once), with its species and parcels in tables of their own, as a
claim's. New tables only; nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa

import faunaschade.models.base


revision = 'm15a1b2c3d4e'
down_revision = 'g16a0b1c2d3e4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('damage_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('reported_by', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=2), nullable=False),
    sa.Column('crop', sa.String(length=40), nullable=False),
    sa.Column('discovered_on', sa.Date(), nullable=False),
    sa.Column('estimated_damage', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('converted_claim_id', sa.Integer(), nullable=True),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("province IN ('GR', 'FR', 'DR', 'OV', 'FL', 'GE', 'UT', 'NH', 'ZH', 'ZE', 'NB', 'LI')", name=op.f('ck_damage_reports_province_is_province')),
    sa.CheckConstraint('estimated_damage >= 0', name=op.f('ck_damage_reports_estimated_damage_non_negative')),
    sa.ForeignKeyConstraint(['converted_claim_id'], ['claims.id'], name=op.f('fk_damage_reports_converted_claim_id_claims')),
    sa.ForeignKeyConstraint(['farmer_id'], ['farmer_profiles.id'], name=op.f('fk_damage_reports_farmer_id_farmer_profiles')),
    sa.ForeignKeyConstraint(['reported_by'], ['users.id'], name=op.f('fk_damage_reports_reported_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_damage_reports')),
    sa.UniqueConstraint('converted_claim_id', name=op.f('uq_damage_reports_converted_claim_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_damage_reports_reference'))
    )
    with op.batch_alter_table('damage_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_damage_reports_discovered_on'), ['discovered_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_damage_reports_farmer_id'), ['farmer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_damage_reports_province'), ['province'], unique=False)

    op.create_table('damage_report_parcels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('parcel_id', sa.Integer(), nullable=False),
    sa.Column('damaged_area_ha', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('area_type', sa.Enum('regular', 'rustgebied', 'foerageergebied', 'buffer', 'natura2000', name='area_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.CheckConstraint('damaged_area_ha > 0', name=op.f('ck_damage_report_parcels_damaged_area_ha_positive')),
    sa.ForeignKeyConstraint(['parcel_id'], ['parcels.id'], name=op.f('fk_damage_report_parcels_parcel_id_parcels')),
    sa.ForeignKeyConstraint(['report_id'], ['damage_reports.id'], name=op.f('fk_damage_report_parcels_report_id_damage_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_damage_report_parcels')),
    sa.UniqueConstraint('report_id', 'parcel_id', 'area_type', name=op.f('uq_damage_report_parcels_report_id_parcel_id_area_type'))
    )
    with op.batch_alter_table('damage_report_parcels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_damage_report_parcels_report_id'), ['report_id'], unique=False)

    op.create_table('damage_report_species',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('species', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['damage_reports.id'], name=op.f('fk_damage_report_species_report_id_damage_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'species', name=op.f('pk_damage_report_species'))
    )
    with op.batch_alter_table('damage_report_species', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_damage_report_species_species'), ['species'], unique=False)



def downgrade():
    with op.batch_alter_table('damage_report_species', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_damage_report_species_species'))

    op.drop_table('damage_report_species')
    with op.batch_alter_table('damage_report_parcels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_damage_report_parcels_report_id'))

    op.drop_table('damage_report_parcels')
    with op.batch_alter_table('damage_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_damage_reports_province'))
        batch_op.drop_index(batch_op.f('ix_damage_reports_farmer_id'))
        batch_op.drop_index(batch_op.f('ix_damage_reports_discovered_on'))

    op.drop_table('damage_reports')
