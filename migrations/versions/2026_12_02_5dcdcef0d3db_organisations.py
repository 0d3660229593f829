"""Organisations with territory scopes; existing data moves into the default organisation

Revision ID: 5dcdcef0d3db
Revises: f6a28d0e4b75
Create Date: 2026-12-02 02:30:00

The default organisation is named after ESMON_ORGANISATION and scoped to ESMON_WOJEWODZTWO
(the country when it is empty), so a deployment keeps seeing what it saw before.
"""
from alembic import op
import sqlalchemy as sa

revision = '5dcdcef0d3db'
down_revision = 'f6a28d0e4b75'
branch_labels = None
depends_on = None

OWNED = ('users', 'units', 'rounds', 'audit_events', 'outbox_messages')


def _default_settings() -> tuple[str, str]:
    try:
        from flask import current_app

        name = current_app.config.get('ESMON_ORGANISATION') or 'Organizacja domyślna'
        region = (current_app.config.get('ESMON_WOJEWODZTWO') or '').strip()
    except RuntimeError:  # outside the Flask CLI
        name, region = 'Organizacja domyślna', ''
    return name, (f'woj:{region}' if region else 'kraj')


def upgrade():
    op.create_table(
        'organisations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('scope', sa.String(length=200), nullable=False),
        sa.Column('is_default', sa.Boolean(), server_default='0', nullable=False),
        sa.Column('partner_of_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['partner_of_id'], ['organisations.id'],
                                name=op.f('fk_organisations_partner_of_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
        sa.UniqueConstraint('name', name=op.f('uq_organisations_name')),
    )
    name, scope = _default_settings()
    organisations = sa.table('organisations', sa.column('id', sa.Integer),
                             sa.column('name', sa.String), sa.column('scope', sa.String),
                             sa.column('is_default', sa.Boolean),
                             sa.column('created_at', sa.DateTime(timezone=True)))
    connection = op.get_bind()
    connection.execute(sa.insert(organisations).values(
        id=1, name=name, scope=scope, is_default=True, created_at=sa.func.now()))
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        connection.execute(sa.text(f'UPDATE {table} SET organisation_id = 1'))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_organisation_id'), ['organisation_id'],
                                  unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_organisation_id_organisations'),
                                        'organisations', ['organisation_id'], ['id'])
    if connection.dialect.name == 'postgresql':
        connection.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('organisations', 'id'), 1)"))


def downgrade():
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_organisation_id_organisations'),
                                     type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_organisation_id'))
            batch_op.drop_column('organisation_id')
    op.drop_table('organisations')
