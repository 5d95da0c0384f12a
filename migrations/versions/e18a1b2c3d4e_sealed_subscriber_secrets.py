"""sealed subscriber secrets

Revision ID: e18a1b2c3d4e
Revises: p17a1b2c3d4e5
Create Date: 2026-12-07 03:30:00

Issue 17, part 2b: a subscriber's HMAC secret is stored sealed (Fernet under a key derived from
SECRET_KEY, faunaschade/events/secret_box.py) in `secret_sealed`, no longer as it is in
`secret`. The upgrade seals every existing secret under the SECRET_KEY of the app running it
(`flask db upgrade` runs in the app); the downgrade opens them again (with SECRET_KEY or one of
SECRET_KEY_FALLBACKS).
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from faunaschade.events import secret_box


revision = 'e18a1b2c3d4e'
down_revision = 'p17a1b2c3d4e5'
branch_labels = None
depends_on = None

_subscribers = sa.table(
    'event_subscribers',
    sa.column('id', sa.Integer()),
    sa.column('secret', sa.String()),
    sa.column('secret_sealed', sa.String()),
)


def _box():
    config = current_app.config
    return secret_box.box(config['SECRET_KEY'], config.get('SECRET_KEY_FALLBACKS') or ())


def upgrade():
    with op.batch_alter_table('event_subscribers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_sealed', sa.String(length=255), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_subscribers.c.id, _subscribers.c.secret)).all()
    if rows:
        box = _box()
        for row_id, secret in rows:
            conn.execute(
                _subscribers.update()
                .where(_subscribers.c.id == row_id)
                .values(secret_sealed=box.encrypt(secret.encode()).decode())
            )
    with op.batch_alter_table('event_subscribers', schema=None) as batch_op:
        batch_op.alter_column('secret_sealed', existing_type=sa.String(length=255), nullable=False)
        batch_op.drop_column('secret')


def downgrade():
    with op.batch_alter_table('event_subscribers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret', sa.String(length=100), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_subscribers.c.id, _subscribers.c.secret_sealed)).all()
    if rows:
        box = _box()
        for row_id, sealed in rows:
            conn.execute(
                _subscribers.update()
                .where(_subscribers.c.id == row_id)
                .values(secret=box.decrypt(sealed.encode()).decode())
            )
    with op.batch_alter_table('event_subscribers', schema=None) as batch_op:
        batch_op.alter_column('secret', existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_column('secret_sealed')
