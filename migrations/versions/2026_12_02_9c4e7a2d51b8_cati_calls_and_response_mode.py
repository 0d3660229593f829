"""Phone follow-up (CATI): call attempts, the unit's caller and phones, a response's mode

Revision ID: 9c4e7a2d51b8
Revises: 5dcdcef0d3db
Create Date: 2026-12-02 02:30:00

Existing responses came through the unit's link or a staff entry that left no mark apart
from the version's author: they start as ``web``, and those whose latest version a staff
member entered become ``staff``.
"""
from alembic import op
import sqlalchemy as sa

revision = '9c4e7a2d51b8'
down_revision = '5dcdcef0d3db'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=10), nullable=False,
                                      server_default='web'))
        batch_op.create_check_constraint('mode', "mode IN ('web', 'phone', 'staff')")
    op.execute(
        "UPDATE responses SET mode = 'staff' WHERE EXISTS (SELECT 1 FROM response_versions v "
        "WHERE v.response_id = responses.id AND v.entered_by_id IS NOT NULL AND v.number = "
        "(SELECT MAX(w.number) FROM response_versions w WHERE w.response_id = responses.id))")
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phones', sa.String(length=200), nullable=True))
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caller_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_invitations_caller_id'), ['caller_id'],
                              unique=False)
        batch_op.create_foreign_key('fk_invitations_caller_id_users', 'users',
                                    ['caller_id'], ['id'])
    op.create_table(
        'call_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('invitation_id', sa.Integer(), nullable=False),
        sa.Column('caller_id', sa.Integer(), nullable=False),
        sa.Column('called_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=False),
        sa.Column('duration_seconds', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('callback_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('response_id', sa.Integer(), nullable=True),
        sa.Column('phone', sa.Text(), nullable=True),
        sa.CheckConstraint("outcome IN ('no_answer', 'busy', 'wrong_number', 'callback', "
                           "'refused', 'online', 'completed')", name='outcome'),
        sa.ForeignKeyConstraint(['caller_id'], ['users.id']),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id']),
        sa.ForeignKeyConstraint(['response_id'], ['responses.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('call_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_attempts_invitation_id'), ['invitation_id'])
        batch_op.create_index(batch_op.f('ix_call_attempts_caller_id'), ['caller_id'])
        batch_op.create_index(batch_op.f('ix_call_attempts_called_at'), ['called_at'])
        batch_op.create_index(batch_op.f('ix_call_attempts_callback_at'), ['callback_at'])


def downgrade():
    op.drop_table('call_attempts')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_constraint('fk_invitations_caller_id_users', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invitations_caller_id'))
        batch_op.drop_column('caller_id')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('phones')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint('mode', type_='check')
        batch_op.drop_column('mode')
