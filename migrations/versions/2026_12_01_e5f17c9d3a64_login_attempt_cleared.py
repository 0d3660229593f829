"""Login attempts can be cleared by an admin: lifting a lock per account and address

Revision ID: e5f17c9d3a64
Revises: d4e06b8c2f53
Create Date: 2026-12-01 16:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'e5f17c9d3a64'
down_revision = 'd4e06b8c2f53'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_column('cleared_at')
