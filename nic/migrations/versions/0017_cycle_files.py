"""cycle files: data, charts and de-identified student work on a PDSA cycle's Study

One row per file kept in nic.storage under a random key, as for a practice's
attachments; removed with its cycle.

Revision ID: 0023f
Revises: 0021c
Create Date: 2026-12-03 12:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023f'
down_revision = '0021c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cycle_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=160), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=300), nullable=False),
    sa.Column('evidence_kind', sa.String(length=32), nullable=False),
    sa.Column('deidentified', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['pdsa_cycle.id'], name=op.f('fk_cycle_attachment_cycle_id_pdsa_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_cycle_attachment_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cycle_attachment')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_cycle_attachment_storage_key'))
    )
    with op.batch_alter_table('cycle_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cycle_attachment_cycle_id'), ['cycle_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cycle_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cycle_attachment_cycle_id'))

    op.drop_table('cycle_attachment')
