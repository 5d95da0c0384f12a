"""autotax: registrations, runs with their review sample, batch decisions

Revision ID: t16a1b2c3d4e5
Revises: a16b2c3d4e5f
Create Date: 2026-12-07 02:37:18.898293

Issue 16, third slice. `autotax_registrations` holds the parcels a farmer registered for autotax
(one per parcel and damage year); `autotax_runs` a province's run for a damage year (once: a
unique pair) with its seed and parameters, `autotax_run_claims` the claims it made with the
overlap, the rate, the automatic amount and whether (and why) each is in the review sample;
`autotax_batches` and `autotax_batch_items` the batch decision (four eyes by CHECK, one open
batch per run by a partial unique index). Claims get `autotax`, assessments `automatic`;
assessment lines get the unit `ha` and a quantity with four decimals (hectares to 1 m²).

On SQLite the new CHECK of `assessment_lines.unit` rebuilds that table (batch mode); nothing
refers to it and it has no triggers.
"""
from alembic import op
import sqlalchemy as sa

import faunaschade.models.base


revision = 't16a1b2c3d4e5'
down_revision = 'a16b2c3d4e5f'
branch_labels = None
depends_on = None

UNITS = ('kg', 'kg_ds', 'pieces', 'animals')


def _unit(values):
    return sa.Enum(*values, name='unit', native_enum=False, create_constraint=True, length=32)


def _lines(units, old_scale, new_scale):
    """assessment_lines.unit allows `units`; lost_quantity gets `new_scale` decimals."""
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_assessment_lines_unit'), 'assessment_lines', type_='check')
        values = ", ".join(f"'{v}'" for v in units)
        op.create_check_constraint(
            op.f('ck_assessment_lines_unit'), 'assessment_lines', f"unit IN ({values})"
        )
        op.alter_column('assessment_lines', 'lost_quantity',
                        existing_type=sa.Numeric(precision=14, scale=old_scale),
                        type_=sa.Numeric(precision=14, scale=new_scale), existing_nullable=False)
        return
    old = UNITS + ('ha',) if len(units) == len(UNITS) else UNITS
    with op.batch_alter_table('assessment_lines', schema=None, recreate='always') as batch_op:
        batch_op.alter_column('unit', existing_type=_unit(old), type_=_unit(units),
                              existing_nullable=False)
        batch_op.alter_column('lost_quantity',
                              existing_type=sa.Numeric(precision=14, scale=old_scale),
                              type_=sa.Numeric(precision=14, scale=new_scale),
                              existing_nullable=False)


def upgrade():
    op.create_table('autotax_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=2), nullable=False),
    sa.Column('damage_year', sa.Integer(), nullable=False),
    sa.Column('reference_day', sa.Date(), nullable=False),
    sa.Column('table_version', sa.String(length=40), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('sample_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('review_above', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('started_by', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=True),
    sa.Column('registrations', sa.Integer(), nullable=False),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("province IN ('GR', 'FR', 'DR', 'OV', 'FL', 'GE', 'UT', 'NH', 'ZH', 'ZE', 'NB', 'LI')", name=op.f('ck_autotax_runs_province_is_province')),
    sa.CheckConstraint('review_above >= 0', name=op.f('ck_autotax_runs_review_above_non_negative')),
    sa.CheckConstraint('sample_pct >= 0 AND sample_pct <= 100', name=op.f('ck_autotax_runs_sample_pct_range')),
    sa.ForeignKeyConstraint(['assessor_id'], ['users.id'], name=op.f('fk_autotax_runs_assessor_id_users')),
    sa.ForeignKeyConstraint(['started_by'], ['users.id'], name=op.f('fk_autotax_runs_started_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_autotax_runs')),
    sa.UniqueConstraint('province', 'damage_year', name=op.f('uq_autotax_runs_province_damage_year'))
    )
    op.create_table('autotax_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'approved', name='autotax_batch_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('proposed_by', sa.Integer(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('approved_by IS NULL OR approved_by <> proposed_by', name=op.f('ck_autotax_batches_four_eyes')),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_autotax_batches_approved_by_users')),
    sa.ForeignKeyConstraint(['proposed_by'], ['users.id'], name=op.f('fk_autotax_batches_proposed_by_users')),
    sa.ForeignKeyConstraint(['run_id'], ['autotax_runs.id'], name=op.f('fk_autotax_batches_run_id_autotax_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_autotax_batches'))
    )
    with op.batch_alter_table('autotax_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_autotax_batches_run_id'), ['run_id'], unique=False)
        batch_op.create_index('uq_autotax_batches_one_open_per_run', ['run_id'], unique=True, postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    op.create_table('autotax_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('parcel_id', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=2), nullable=False),
    sa.Column('damage_year', sa.Integer(), nullable=False),
    sa.Column('registered_by', sa.Integer(), nullable=False),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("province IN ('GR', 'FR', 'DR', 'OV', 'FL', 'GE', 'UT', 'NH', 'ZH', 'ZE', 'NB', 'LI')", name=op.f('ck_autotax_registrations_province_is_province')),
    sa.ForeignKeyConstraint(['farmer_id'], ['farmer_profiles.id'], name=op.f('fk_autotax_registrations_farmer_id_farmer_profiles')),
    sa.ForeignKeyConstraint(['parcel_id'], ['parcels.id'], name=op.f('fk_autotax_registrations_parcel_id_parcels')),
    sa.ForeignKeyConstraint(['registered_by'], ['users.id'], name=op.f('fk_autotax_registrations_registered_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_autotax_registrations')),
    sa.UniqueConstraint('parcel_id', 'damage_year', name=op.f('uq_autotax_registrations_parcel_id_damage_year'))
    )
    with op.batch_alter_table('autotax_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_autotax_registrations_farmer_id'), ['farmer_id'], unique=False)

    op.create_table('autotax_run_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('parcel_id', sa.Integer(), nullable=False),
    sa.Column('overlap_ha', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('eur_per_ha', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('sampled', sa.Boolean(), nullable=False),
    sa.Column('sample_reason', sa.String(length=20), nullable=True),
    sa.CheckConstraint('(sampled AND sample_reason IS NOT NULL) OR (NOT sampled AND sample_reason IS NULL)', name=op.f('ck_autotax_run_claims_sample_reason_if_sampled')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_autotax_run_claims_amount_non_negative')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_autotax_run_claims_claim_id_claims')),
    sa.ForeignKeyConstraint(['parcel_id'], ['parcels.id'], name=op.f('fk_autotax_run_claims_parcel_id_parcels')),
    sa.ForeignKeyConstraint(['run_id'], ['autotax_runs.id'], name=op.f('fk_autotax_run_claims_run_id_autotax_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_autotax_run_claims')),
    sa.UniqueConstraint('claim_id', name=op.f('uq_autotax_run_claims_claim_id'))
    )
    with op.batch_alter_table('autotax_run_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_autotax_run_claims_run_id'), ['run_id'], unique=False)

    op.create_table('autotax_batch_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['autotax_batches.id'], name=op.f('fk_autotax_batch_items_batch_id_autotax_batches')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_autotax_batch_items_claim_id_claims')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_autotax_batch_items_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_autotax_batch_items')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_autotax_batch_items_proposal_id'))
    )
    with op.batch_alter_table('autotax_batch_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_autotax_batch_items_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_autotax_batch_items_claim_id'), ['claim_id'], unique=False)

    _lines(UNITS + ('ha',), 3, 4)

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('automatic', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('autotax', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    op.execute("DELETE FROM assessment_lines WHERE unit = 'ha'")
    _lines(UNITS, 4, 3)

    with op.batch_alter_table('autotax_batch_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_autotax_batch_items_claim_id'))
        batch_op.drop_index(batch_op.f('ix_autotax_batch_items_batch_id'))

    op.drop_table('autotax_batch_items')
    with op.batch_alter_table('autotax_run_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_autotax_run_claims_run_id'))

    op.drop_table('autotax_run_claims')
    with op.batch_alter_table('autotax_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_autotax_registrations_farmer_id'))

    op.drop_table('autotax_registrations')
    with op.batch_alter_table('autotax_batches', schema=None) as batch_op:
        batch_op.drop_index('uq_autotax_batches_one_open_per_run', postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_autotax_batches_run_id'))

    op.drop_table('autotax_batches')
    op.drop_table('autotax_runs')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_column('automatic')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_column('autotax')
