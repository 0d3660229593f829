"""Outbox attachments: files sent with a message (the PDF copy of a response), made by the worker

Revision ID: b7d3e91c5a20
Revises: f4f92d701e10
Create Date: 2026-12-02 06:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'b7d3e91c5a20'
down_revision = 'f4f92d701e10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('source', sa.String(length=200), nullable=True),
        sa.CheckConstraint('content IS NOT NULL OR source IS NOT NULL',
                           name=op.f('ck_outbox_attachments_content_or_source')),
        sa.ForeignKeyConstraint(['message_id'], ['outbox_messages.id'],
                                name=op.f('fk_outbox_attachments_message_id_outbox_messages'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachments')),
    )
    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_attachments_message_id'), ['message_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_attachments_message_id'))
    op.drop_table('outbox_attachments')
