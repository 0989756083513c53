"""driver diagrams: the aim, the tree of drivers and change ideas, their change log

One diagram per network and per group (scope); nodes archived, never deleted;
change ideas linked to practice write-ups; every change logged with the node's
state after it, for the diagram as of a date.

Revision ID: 0020d
Revises: 0014k
Create Date: 2026-12-02 19:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020d'
down_revision = '0014k'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('driver_diagram',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['peer_group.id'], name=op.f('fk_driver_diagram_group_id_peer_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_driver_diagram')),
    sa.UniqueConstraint('scope', name=op.f('uq_driver_diagram_scope'))
    )
    with op.batch_alter_table('driver_diagram', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_driver_diagram_group_id'), ['group_id'], unique=False)

    op.create_table('aim',
    sa.Column('diagram_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=300), nullable=False),
    sa.Column('how_much', sa.String(length=200), nullable=False),
    sa.Column('by_when', sa.Date(), nullable=False),
    sa.Column('for_whom', sa.String(length=200), nullable=False),
    sa.Column('statement', sa.String(length=800), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['diagram_id'], ['driver_diagram.id'], name=op.f('fk_aim_diagram_id_driver_diagram'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('diagram_id', name=op.f('pk_aim'))
    )
    op.create_table('driver_node',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('diagram_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=800), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['diagram_id'], ['driver_diagram.id'], name=op.f('fk_driver_node_diagram_id_driver_diagram'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['driver_node.id'], name=op.f('fk_driver_node_parent_id_driver_node'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_driver_node'))
    )
    with op.batch_alter_table('driver_node', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_driver_node_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_driver_node_tree', ['diagram_id', 'parent_id', 'position'], unique=False)

    op.create_table('diagram_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('diagram_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['diagram_id'], ['driver_diagram.id'], name=op.f('fk_diagram_change_diagram_id_driver_diagram'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['node_id'], ['driver_node.id'], name=op.f('fk_diagram_change_node_id_driver_node'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_diagram_change_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagram_change'))
    )
    with op.batch_alter_table('diagram_change', schema=None) as batch_op:
        batch_op.create_index('ix_diagram_change_history', ['diagram_id', 'at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_diagram_change_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_diagram_change_user_id'), ['user_id'], unique=False)

    op.create_table('change_idea_practice',
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['driver_node.id'], name=op.f('fk_change_idea_practice_node_id_driver_node'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_change_idea_practice_practice_id_practice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('node_id', 'practice_id', name=op.f('pk_change_idea_practice'))
    )
    with op.batch_alter_table('change_idea_practice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_idea_practice_practice_id'), ['practice_id'], unique=False)



def downgrade():
    with op.batch_alter_table('change_idea_practice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_idea_practice_practice_id'))

    op.drop_table('change_idea_practice')
    with op.batch_alter_table('diagram_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagram_change_user_id'))
        batch_op.drop_index(batch_op.f('ix_diagram_change_node_id'))
        batch_op.drop_index('ix_diagram_change_history')

    op.drop_table('diagram_change')
    with op.batch_alter_table('driver_node', schema=None) as batch_op:
        batch_op.drop_index('ix_driver_node_tree')
        batch_op.drop_index(batch_op.f('ix_driver_node_parent_id'))

    op.drop_table('driver_node')
    op.drop_table('aim')
    with op.batch_alter_table('driver_diagram', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_driver_diagram_group_id'))

    op.drop_table('driver_diagram')
