"""Invitations count their link generations: replacing a link ends the sessions it opened

Revision ID: a7c3e1f0b2d4
Revises: 49471d3bb37e
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'a7c3e1f0b2d4'
down_revision = '49471d3bb37e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_generation', sa.Integer(), server_default='1',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('link_generation')
