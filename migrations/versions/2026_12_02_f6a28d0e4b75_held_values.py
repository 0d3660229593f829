"""Drafts keep what was typed but could not be taken as an answer (raw text + message)

Revision ID: f6a28d0e4b75
Revises: e5f17c9d3a64
Create Date: 2026-12-02 02:10:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'f6a28d0e4b75'
down_revision = 'e5f17c9d3a64'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'held_values',
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=False, server_default='{}'))


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('held_values')
