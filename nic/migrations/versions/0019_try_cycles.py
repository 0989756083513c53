"""try cycles: a school's try of a practice may name the PDSA cycle it was run as

Revision ID: 0025t
Revises: 0024q
Create Date: 2026-12-03 13:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025t'
down_revision = '0024q'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('practice_try', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cycle_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_practice_try_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_practice_try_cycle_id_pdsa_cycle'), 'pdsa_cycle', ['cycle_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('practice_try', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_practice_try_cycle_id_pdsa_cycle'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_practice_try_cycle_id'))
        batch_op.drop_column('cycle_id')
