"""Unit kinds an organisation adds to the shipped kinds file

Revision ID: f4f92d701e10
Revises: 26ae95d52ff8
Create Date: 2026-12-02 03:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'f4f92d701e10'
down_revision = '26ae95d52ff8'
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'organisation_unit_kinds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('plural', _JSON, nullable=False),
        sa.Column('teryt', sa.String(length=8), nullable=False),
        sa.Column('questionnaires', _JSON, nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_organisation_unit_kinds_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_unit_kinds')),
        sa.UniqueConstraint('organisation_id', 'code',
                            name='organisation_code'),
    )
    with op.batch_alter_table('organisation_unit_kinds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_unit_kinds_organisation_id'),
                              ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('organisation_unit_kinds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_unit_kinds_organisation_id'))
    op.drop_table('organisation_unit_kinds')
