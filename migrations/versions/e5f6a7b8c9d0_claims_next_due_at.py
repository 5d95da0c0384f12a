"""claims.next_due_at for the officer's queue; a new claim's reference from its INSERT

Revision ID: e5f6a7b8c9d0
Revises: f6a7b8c9d0e1
Create Date: 2026-12-02 06:00:00

The queue sorted every open claim in scope on a CASE with a correlated subquery per row; it now
reads its first page along an index on the stored next due date (models/next_due.py keeps it
current, this migration fills it for the claims there are). On PostgreSQL a trigger numbers a
new claim (FS-<year>-<id>) in its INSERT, so creating a claim needs no UPDATE after it; SQLite
does the same in the INSERT statement itself (models.claims.reference_on_insert).
"""
from alembic import op
import sqlalchemy as sa


revision = 'e5f6a7b8c9d0'
down_revision = 'f6a7b8c9d0e1'
branch_labels = None
depends_on = None

# The same rules as models.next_due.next_due_expression(), written out: a migration must not
# change when the application's code does.
_PRIMARY = """(CASE
    WHEN claims.status = 'incomplete' THEN claims.completion_deadline
    WHEN claims.status = 'assessment_ordered' THEN (
      SELECT min(assessments.due_on) FROM assessments
      WHERE assessments.claim_id = claims.id AND assessments.status != 'submitted')
    WHEN claims.status IN ('assessed', 'proposed') THEN claims.decision_target
  END)"""
_BACKSTOP = """(CASE
    WHEN claims.status IN ('submitted', 'assessment_ordered', 'assessed', 'proposed')
    THEN claims.backstop_deadline
  END)"""
NEXT_DUE = f"""
UPDATE claims SET next_due_at = CASE
  WHEN {_PRIMARY} IS NULL THEN {_BACKSTOP}
  WHEN {_BACKSTOP} IS NULL THEN {_PRIMARY}
  WHEN {_PRIMARY} < {_BACKSTOP} THEN {_PRIMARY}
  ELSE {_BACKSTOP}
END
"""

REFERENCE_FUNCTION = """
CREATE FUNCTION claims_reference() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.reference IS NULL THEN
    -- FS-<year of discovery>-<id>, the id zero-padded to six digits (never cut short)
    NEW.reference := 'FS-' || extract(year FROM NEW.discovered_on)::integer::text || '-'
      || CASE WHEN NEW.id < 1000000 THEN lpad(NEW.id::text, 6, '0') ELSE NEW.id::text END;
  END IF;
  RETURN NEW;
END
$$
"""

REFERENCE_TRIGGER = """
CREATE TRIGGER claims_reference BEFORE INSERT ON claims
FOR EACH ROW EXECUTE FUNCTION claims_reference()
"""


def upgrade():
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due_at', sa.Date(), nullable=True))
        batch_op.create_index('ix_claims_next_due_at_id', ['next_due_at', 'id'], unique=False)
    op.execute(NEXT_DUE)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(REFERENCE_FUNCTION)
        op.execute(REFERENCE_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER claims_reference ON claims')
        op.execute('DROP FUNCTION claims_reference()')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_next_due_at_id')
        batch_op.drop_column('next_due_at')
