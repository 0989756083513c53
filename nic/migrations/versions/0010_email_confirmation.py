"""email confirmation: user.email_confirmed_at

Accounts made from now on must open a link mailed to their address before
they may write (nic.policy.may_write). Every account there is already
(demo accounts included) counts as confirmed: since it was created.

Revision ID: 0010a
Revises: 0009m
Create Date: 2026-12-02 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010a'
down_revision = '0009m'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text('UPDATE "user" SET email_confirmed_at = created_at'))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
