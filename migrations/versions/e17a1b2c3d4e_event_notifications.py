"""event notifications

Revision ID: e17a1b2c3d4e
Revises: m15a1b2c3d4e
Create Date: 2026-12-07 02:36:41.388079

Issue 17, part 2: event notifications (CloudEvents, NL GOV profile). `event_subscribers`
(URL, event types, HMAC secret, active), `events` (one CloudEvent each, its body as sent, a
sequence per subject), `event_subjects` (the last sequence per subject, the row a transaction
locks to take the next numbers) and `event_deliveries` (the outbox: one row per event and
subscriber, with attempts, back-off and lease). New tables only; nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa

import faunaschade.models.base


revision = 'e17a1b2c3d4e'
down_revision = 'm15a1b2c3d4e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_subjects',
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('last_sequence', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('subject', name=op.f('pk_event_subjects'))
    )
    op.create_table('event_subscribers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('event_types', sa.JSON(), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_event_subscribers_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_subscribers'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('time', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('audit_event_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['audit_event_id'], ['audit_events.id'], name=op.f('fk_events_audit_event_id_audit_events')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_events_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_events_event_id')),
    sa.UniqueConstraint('subject', 'sequence', name=op.f('uq_events_subject_sequence'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_type'), ['type'], unique=False)

    op.create_table('event_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'delivered', 'failed', name='delivery_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_attempt_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('leased_until', faunaschade.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('dispatches', sa.Integer(), nullable=False),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_deliveries_event_id_events')),
    sa.ForeignKeyConstraint(['subscriber_id'], ['event_subscribers.id'], name=op.f('fk_event_deliveries_subscriber_id_event_subscribers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_deliveries')),
    sa.UniqueConstraint('subscriber_id', 'event_id', name=op.f('uq_event_deliveries_subscriber_id_event_id'))
    )
    with op.batch_alter_table('event_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_event_deliveries_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_event_deliveries_stream', ['subscriber_id', 'subject', 'sequence'], unique=False)



def downgrade():
    with op.batch_alter_table('event_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_event_deliveries_stream')
        batch_op.drop_index('ix_event_deliveries_due')

    op.drop_table('event_deliveries')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_type'))
        batch_op.drop_index(batch_op.f('ix_events_claim_id'))

    op.drop_table('events')
    op.drop_table('event_subscribers')
    op.drop_table('event_subjects')
