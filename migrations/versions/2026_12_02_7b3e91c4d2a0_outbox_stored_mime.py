"""Outbox: the message composed once when queued (MIME), or by the worker (composer + args)

Revision ID: 7b3e91c4d2a0
Revises: b7d3e91c5a20
Create Date: 2026-12-02 06:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '7b3e91c4d2a0'
down_revision = 'b7d3e91c5a20'
branch_labels = None
depends_on = None


def upgrade():
    # rows queued before this revision keep mime NULL: the worker composes them from their
    # bodies when it claims them (mailing.worker), so nothing in the queue is lost
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mime', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('composer', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column(
            'compose_args',
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('compose_args')
        batch_op.drop_column('composer')
        batch_op.drop_column('mime')
