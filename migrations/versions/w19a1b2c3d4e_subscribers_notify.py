"""event subscribers: every change is announced on a notification channel

Revision ID: w19a1b2c3d4e
Revises: o18a1b2c3d4e5
Create Date: 2026-12-07 18:00:00

Every audited commit asked the database which active subscribers want which event types. Each
process now keeps that answer (faunaschade/events/wanted.py) and asks again only when told: a
statement-level trigger sends a notification on channel `faunaschade_subscribers` for every
INSERT, UPDATE, DELETE or TRUNCATE of `event_subscribers` (the changing transaction's id as its
payload), which PostgreSQL delivers when the change commits to every connection listening
there. PostgreSQL only; SQLite asks every time.
"""
from alembic import op

revision = 'w19a1b2c3d4e'
down_revision = 'o18a1b2c3d4e5'
branch_labels = None
depends_on = None

NOTIFY = """
CREATE OR REPLACE FUNCTION event_subscribers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The transaction's id: a listener that hears it on several connections counts it once.
  PERFORM pg_notify('faunaschade_subscribers', pg_current_xact_id()::text);
  RETURN NULL;
END $$
"""
TRIGGER = """
CREATE TRIGGER event_subscribers_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_subscribers
FOR EACH STATEMENT EXECUTE FUNCTION event_subscribers_changed()
"""


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(NOTIFY)
    op.execute(TRIGGER)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('DROP TRIGGER IF EXISTS event_subscribers_changed ON event_subscribers')
    op.execute('DROP FUNCTION IF EXISTS event_subscribers_changed()')
