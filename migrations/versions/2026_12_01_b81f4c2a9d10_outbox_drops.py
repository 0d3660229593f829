"""Outbox messages count the hang-ups under them: one the server always drops is parked

Revision ID: b81f4c2a9d10
Revises: a7c3e1f0b2d4
Create Date: 2026-12-01 12:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'b81f4c2a9d10'
down_revision = 'a7c3e1f0b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('drops', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('drops')
