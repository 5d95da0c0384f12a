"""the objection procedure: terms, hearing, outcome; reclaims; a decision paid once

Revision ID: b15e0b1ec710
Revises: d15e0a7c4b21
Create Date: 2026-12-12 10:00:00

Issue 15, part 4 (bezwaar). `objections` gets the terms of Awb 6:7 and 7:10 (received on,
period end, late, decide by, extended until with its reason), the hearing (when, where or by
video, its report) and the outcome; its status gains `hearing_scheduled` and `heard`. Existing
objections get their terms from their decision and the day they were filed. `proposals` gets
the proposed outcome on objection and the corrected facts; `letters` three new kinds; a new
table `reclaims` holds what a decision on objection takes back (terugvordering).

Payment batches: a claim may now be paid in several batches over time (the difference after a
decision on objection), while each decision is paid at most once. `live_decision_id` (a unique
index) holds the decision while the batch is not cancelled; `live_claim_id` (unique) now holds
the claim only while the batch is open and is cleared when it is paid. Both are added in place:
SQLite cannot rebuild payment_batch_claims while payment_batch_items refers to it, and the
batch-total triggers on payment_batch_items stay as they are.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b15e0b1ec710'
down_revision = 'd15e0a7c4b21'
branch_labels = None
depends_on = None

OLD_KINDS = (
    'receipt', 'completion_request', 'assessment_confirmation', 'delay_notice', 'decision',
    'objection_decision', 'penalty_decision',
)
NEW_KINDS = OLD_KINDS + ('objection_receipt', 'hearing_invitation', 'objection_extension')
OLD_STATUSES = ('open', 'decided')
NEW_STATUSES = ('open', 'hearing_scheduled', 'heard', 'decided')
OUTCOMES = ('gegrond', 'deels_gegrond', 'ongegrond', 'niet_ontvankelijk')


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _terms_sql(dialect):
    if dialect == 'postgresql':
        received = "(created_at AT TIME ZONE 'Europe/Amsterdam')::date"
        plus_six_weeks = "objection_period_end + 42"
    else:
        received = "date(created_at)"
        plus_six_weeks = "date(objection_period_end, '+42 days')"
    return [
        f"UPDATE objections SET received_on = {received}, objection_period_end = "
        "(SELECT d.objection_deadline FROM decisions d WHERE d.id = objections.decision_id)",
        f"UPDATE objections SET decide_by = {plus_six_weeks}, "
        "late = (received_on > objection_period_end)",
    ]


#: A claim objected to is next due when the decision on its objection is (Awb 7:10); the same
#: rule as models/next_due.objection_due, for the rows that exist when this runs.
NEXT_DUE_OBJECTIONS = (
    "UPDATE claims SET next_due_at = (SELECT MIN(COALESCE(o.extended_until, o.decide_by)) "
    "FROM objections o WHERE o.claim_id = claims.id AND o.status <> 'decided') "
    "WHERE status = 'objection'"
)


def upgrade():
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('objection_period_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('decide_by', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('extended_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('extension_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('hearing_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hearing_place', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('hearing_video_link', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('hearing_report', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.Enum(*OUTCOMES, name='objection_outcome', native_enum=False, create_constraint=True, length=32), nullable=True))
    for statement in _terms_sql(dialect):
        op.execute(statement)
    op.execute(NEXT_DUE_OBJECTIONS)
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.alter_column('received_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('objection_period_end', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('decide_by', existing_type=sa.Date(), nullable=False)
        batch_op.drop_constraint(batch_op.f('ck_objections_objection_status'), type_='check')
        batch_op.create_check_constraint('objection_status', _in('status', NEW_STATUSES))
        batch_op.create_check_constraint(
            'hearing_has_a_place',
            'hearing_at IS NULL OR hearing_place IS NOT NULL OR hearing_video_link IS NOT NULL',
        )
        batch_op.create_check_constraint(
            'extension_after_term',
            'extended_until IS NULL OR (extended_until > decide_by AND extension_reason IS NOT NULL)',
        )
        batch_op.create_index(
            'uq_objections_one_open_per_claim', ['claim_id'], unique=True,
            postgresql_where=sa.text("status <> 'decided'"),
            sqlite_where=sa.text("status <> 'decided'"),
        )

    # In place on SQLite: the CHECK goes with the column (decisions refer to proposals).
    op.add_column(
        'proposals',
        sa.Column(
            'objection_outcome',
            sa.String(length=32),
            sa.CheckConstraint(
                _in('objection_outcome', OUTCOMES), name=op.f('ck_proposals_objection_outcome_known')
            ),
            nullable=True,
        ),
    )
    op.add_column('proposals', sa.Column('corrections', sa.JSON(), nullable=True))

    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_letters_letter_kind'), type_='check')
        batch_op.create_check_constraint('letter_kind', _in('kind', NEW_KINDS))

    op.create_table('reclaims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('payout', 'leges_refund', name='reclaim_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('status', sa.Enum('open', name='reclaim_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_reclaims_amount_positive')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_reclaims_claim_id_claims')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_reclaims_decision_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reclaims')),
    sa.UniqueConstraint('decision_id', 'kind', name=op.f('uq_reclaims_decision_id_kind'))
    )
    with op.batch_alter_table('reclaims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reclaims_claim_id'), ['claim_id'], unique=False)

    op.add_column(
        'payment_batch_claims',
        sa.Column(
            'live_decision_id',
            sa.Integer(),
            sa.CheckConstraint(
                'live_decision_id IS NULL OR live_decision_id = decision_id',
                name=op.f('ck_payment_batch_claims_live_decision_is_decision'),
            ),
            nullable=True,
        ),
    )
    op.execute(
        "UPDATE payment_batch_claims SET live_decision_id = decision_id WHERE batch_id IN "
        "(SELECT id FROM payment_batches WHERE status <> 'cancelled')"
    )
    op.execute(
        "UPDATE payment_batch_claims SET live_claim_id = NULL WHERE batch_id IN "
        "(SELECT id FROM payment_batches WHERE status = 'paid')"
    )
    op.create_index(
        'uq_payment_batch_claims_live_decision_id', 'payment_batch_claims', ['live_decision_id'],
        unique=True,
    )


def downgrade():
    # Back to one live batch per claim: the claim id is live again wherever its decision is.
    op.execute(
        "UPDATE payment_batch_claims SET live_claim_id = claim_id WHERE live_decision_id IS NOT "
        "NULL AND NOT EXISTS (SELECT 1 FROM payment_batch_claims o WHERE o.claim_id = "
        "payment_batch_claims.claim_id AND o.live_claim_id IS NOT NULL)"
    )
    op.drop_index('uq_payment_batch_claims_live_decision_id', table_name='payment_batch_claims')
    with op.batch_alter_table('payment_batch_claims', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('ck_payment_batch_claims_live_decision_is_decision'), type_='check'
        )
        batch_op.drop_column('live_decision_id')
    with op.batch_alter_table('reclaims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reclaims_claim_id'))
    op.drop_table('reclaims')
    op.execute(f"DELETE FROM letters WHERE NOT ({_in('kind', OLD_KINDS)})")
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_letters_letter_kind'), type_='check')
        batch_op.create_check_constraint('letter_kind', _in('kind', OLD_KINDS))
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_proposals_objection_outcome_known'), type_='check')
        batch_op.drop_column('corrections')
        batch_op.drop_column('objection_outcome')
    op.execute(f"UPDATE objections SET status = 'open' WHERE NOT ({_in('status', OLD_STATUSES)})")
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_index('uq_objections_one_open_per_claim')
        batch_op.drop_constraint(batch_op.f('ck_objections_extension_after_term'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_objections_hearing_has_a_place'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_objections_objection_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_objections_objection_outcome'), type_='check')
        batch_op.create_check_constraint('objection_status', _in('status', OLD_STATUSES))
        for column in (
            'outcome', 'hearing_report', 'hearing_video_link', 'hearing_place', 'hearing_at',
            'extension_reason', 'extended_until', 'decide_by', 'late', 'objection_period_end',
            'received_on',
        ):
            batch_op.drop_column(column)
