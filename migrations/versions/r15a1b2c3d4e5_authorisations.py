"""machtigingen: a farmer authorises a representative for all claims or one claim

Revision ID: r15a1b2c3d4e5
Revises: a1b2c3d4e5f6
Create Date: 2026-12-20 10:00:00

Issue 15, representatives. One table, `authorisations`: the farmer, the representative (a
user), one claim or all (claim_id NULL), the period, how it reached us (online, or written and
recorded by an officer with the document's date and an optional scan), and its revocation.
"""
from alembic import op
import sqlalchemy as sa

import faunaschade.models.base


revision = 'r15a1b2c3d4e5'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('authorisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('representative_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('source', sa.Enum('online', 'written', name='authorisation_source', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=True),
    sa.Column('document_file_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('revoked_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name=op.f('ck_authorisations_period_in_order')),
    sa.CheckConstraint("source <> 'written' OR document_date IS NOT NULL", name=op.f('ck_authorisations_written_has_document_date')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_authorisations_claim_id_claims')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_authorisations_created_by_users')),
    sa.ForeignKeyConstraint(['document_file_id'], ['stored_files.id'], name=op.f('fk_authorisations_document_file_id_stored_files')),
    sa.ForeignKeyConstraint(['farmer_id'], ['farmer_profiles.id'], name=op.f('fk_authorisations_farmer_id_farmer_profiles')),
    sa.ForeignKeyConstraint(['representative_id'], ['users.id'], name=op.f('fk_authorisations_representative_id_users')),
    sa.ForeignKeyConstraint(['revoked_by'], ['users.id'], name=op.f('fk_authorisations_revoked_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorisations'))
    )
    with op.batch_alter_table('authorisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorisations_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_authorisations_farmer_id'), ['farmer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_authorisations_representative_id'), ['representative_id'], unique=False)


def downgrade():
    with op.batch_alter_table('authorisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorisations_representative_id'))
        batch_op.drop_index(batch_op.f('ix_authorisations_farmer_id'))
        batch_op.drop_index(batch_op.f('ix_authorisations_claim_id'))
    op.drop_table('authorisations')
