"""late decisions: notices of default, penalty decisions (dwangsom), their letter and transfer

Revision ID: d15e0a7c4b21
Revises: r15a1b2c3d4e5
Create Date: 2026-12-14 09:00:00

Issue 15, part 3 (Awb 4:17, 4:18). `default_notices` holds the farmer's ingebrekestellingen (at
most one effective, not premature, per claim: a partial unique index); `penalty_decisions` the
dwangsom-beschikking made when the claim is decided. Claims get `term_extended_to` (the decision
term as a delay notice set it; filled here from the delay notices' audit events) and
`penalty_from` (the first penalty day while a dwangsom runs), which the queue sorts on first,
with an index. Letters get the kind `penalty_decision`, transfers the kind `dwangsom`.

On SQLite a new CHECK of an enum column rebuilds its table (batch mode), which drops the
triggers on it and cannot rename a table that another table's trigger names: the triggers that
name `payment_batch_items` are kept aside and created again exactly as they were.
"""
import json

from alembic import op
import sqlalchemy as sa

import faunaschade.models.base


revision = 'd15e0a7c4b21'
down_revision = 'r15a1b2c3d4e5'
branch_labels = None
depends_on = None

LETTER_KINDS = ('receipt', 'completion_request', 'assessment_confirmation', 'delay_notice',
                'decision', 'objection_decision')
ITEM_KINDS = ('payout', 'leges_refund')


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _sqlite():
    return op.get_bind().dialect.name == 'sqlite'


def _set_enum(table, name, old, new):
    """The enum column `kind` of `table` allows `new` instead of `old`."""
    if not _sqlite():
        constraint = op.f(f'ck_{table}_{name}')
        op.drop_constraint(constraint, table, type_='check')
        values = ", ".join(f"'{v}'" for v in new)
        op.create_check_constraint(constraint, table, f"kind IN ({values})")
        return
    triggers = op.get_bind().execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND (tbl_name = :table OR sql LIKE :named) ORDER BY rowid"
    ), {"table": table, "named": f"%{table}%"}).all()
    for trigger, _sql in triggers:
        op.execute(f'DROP TRIGGER "{trigger}"')
    with op.batch_alter_table(table, schema=None, recreate='always') as batch_op:
        batch_op.alter_column('kind', existing_type=_enum(old, name), type_=_enum(new, name),
                              existing_nullable=False)
    for _trigger, sql in triggers:
        op.execute(sql)


def _delay_notice_dates():
    """Claim id → the date its delay notice announced, from the audit events."""
    rows = op.get_bind().execute(sa.text(
        "SELECT claim_id, data FROM audit_events WHERE action = 'claim.delay_notice' "
        "AND claim_id IS NOT NULL ORDER BY id"
    )).all()
    found = {}
    for claim_id, data in rows:
        data = json.loads(data) if isinstance(data, str) else (data or {})
        if data.get('expected_on'):
            found[claim_id] = data['expected_on']
    return found


def upgrade():
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('term_extended_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('penalty_from', sa.Date(), nullable=True))
        batch_op.create_index('ix_claims_queue_order', ['penalty_from', 'next_due_at', 'id'],
                              unique=False)
    for claim_id, expected_on in _delay_notice_dates().items():
        op.execute(sa.text("UPDATE claims SET term_extended_to = :day WHERE id = :id")
                   .bindparams(day=expected_on, id=claim_id))

    op.create_table('default_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('sent_by', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('term_ends_on', sa.Date(), nullable=False),
    sa.Column('premature', sa.Boolean(), nullable=False),
    sa.Column('first_penalty_day', sa.Date(), nullable=True),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(premature AND first_penalty_day IS NULL) OR (NOT premature AND first_penalty_day IS NOT NULL)', name=op.f('ck_default_notices_first_day_unless_premature')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_default_notices_claim_id_claims')),
    sa.ForeignKeyConstraint(['sent_by'], ['users.id'], name=op.f('fk_default_notices_sent_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_default_notices'))
    )
    with op.batch_alter_table('default_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_default_notices_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index('uq_default_notices_one_effective_per_claim', ['claim_id'],
                              unique=True, postgresql_where=sa.text('NOT premature'),
                              sqlite_where=sa.text('NOT premature'))

    op.create_table('penalty_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('kenmerk', sa.String(length=40), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('first_penalty_day', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=400), nullable=False),
    sa.Column('prepared_by', sa.Integer(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=False),
    sa.Column('created_at', faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_penalty_decisions_amount_non_negative')),
    sa.CheckConstraint('days >= 0', name=op.f('ck_penalty_decisions_days_non_negative')),
    sa.CheckConstraint('approved_by <> prepared_by', name=op.f('ck_penalty_decisions_four_eyes')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_penalty_decisions_claim_id_claims')),
    sa.ForeignKeyConstraint(['notice_id'], ['default_notices.id'], name=op.f('fk_penalty_decisions_notice_id_default_notices')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_penalty_decisions_decision_id_decisions')),
    sa.ForeignKeyConstraint(['prepared_by'], ['users.id'], name=op.f('fk_penalty_decisions_prepared_by_users')),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_penalty_decisions_approved_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_penalty_decisions')),
    sa.UniqueConstraint('kenmerk', name=op.f('uq_penalty_decisions_kenmerk')),
    sa.UniqueConstraint('notice_id', name=op.f('uq_penalty_decisions_notice_id'))
    )
    with op.batch_alter_table('penalty_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_penalty_decisions_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_penalty_decisions_decision_id'), ['decision_id'], unique=False)

    _set_enum('letters', 'letter_kind', LETTER_KINDS, (*LETTER_KINDS, 'penalty_decision'))
    _set_enum('payment_batch_items', 'batch_item_kind', ITEM_KINDS, (*ITEM_KINDS, 'dwangsom'))


def downgrade():
    op.execute("DELETE FROM payment_batch_items WHERE kind = 'dwangsom'")
    _set_enum('payment_batch_items', 'batch_item_kind', (*ITEM_KINDS, 'dwangsom'), ITEM_KINDS)
    op.execute("DELETE FROM letters WHERE kind = 'penalty_decision'")
    _set_enum('letters', 'letter_kind', (*LETTER_KINDS, 'penalty_decision'), LETTER_KINDS)
    with op.batch_alter_table('penalty_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_penalty_decisions_decision_id'))
        batch_op.drop_index(batch_op.f('ix_penalty_decisions_claim_id'))
    op.drop_table('penalty_decisions')
    with op.batch_alter_table('default_notices', schema=None) as batch_op:
        batch_op.drop_index('uq_default_notices_one_effective_per_claim')
        batch_op.drop_index(batch_op.f('ix_default_notices_claim_id'))
    op.drop_table('default_notices')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_queue_order')
        batch_op.drop_column('penalty_from')
        batch_op.drop_column('term_extended_to')
