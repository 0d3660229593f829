"""Outbox keeps a personal link's token encrypted beside a placeholder, never in the body

Revision ID: d4e06b8c2f53
Revises: c3d95e7a1b42
Create Date: 2026-12-01 15:00:00

Bodies of messages already sent or given up had the live link written into them: the
upgrade masks those links, so no database reader or backup can use them any more.
"""
import re

from alembic import op
import sqlalchemy as sa

revision = 'd4e06b8c2f53'
down_revision = 'c3d95e7a1b42'
branch_labels = None
depends_on = None

_LINK = re.compile(r"/r/[A-Za-z0-9_-]{20,}")
_MASK = "/r/••••••••"


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_token', sa.Text(), nullable=True))
    outbox = sa.table('outbox_messages', sa.column('id', sa.Integer), sa.column('status'),
                      sa.column('body_text', sa.Text), sa.column('body_html', sa.Text))
    connection = op.get_bind()
    rows = connection.execute(sa.select(outbox.c.id, outbox.c.body_text, outbox.c.body_html)
                              .where(outbox.c.status.in_(['sent', 'failed']))).all()
    for row in rows:
        text = _LINK.sub(_MASK, row.body_text or "")
        html = _LINK.sub(_MASK, row.body_html) if row.body_html is not None else None
        if text != row.body_text or html != row.body_html:
            connection.execute(sa.update(outbox).where(outbox.c.id == row.id)
                               .values(body_text=text, body_html=html))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('link_token')
