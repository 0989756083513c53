"""chat messages keep the practices they link to

A live chat message that links to a practice shows its preview card, as posts
do (chat_message.practice_links, computed when the message is written).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('chat_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practice_links', sa.String(length=120), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('chat_message', schema=None) as batch_op:
        batch_op.drop_column('practice_links')
