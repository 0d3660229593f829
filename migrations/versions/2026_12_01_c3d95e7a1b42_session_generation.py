"""Staff accounts count their session generations: logging out ends every copy of the cookie

Revision ID: c3d95e7a1b42
Revises: b81f4c2a9d10
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'c3d95e7a1b42'
down_revision = 'b81f4c2a9d10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='1',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
