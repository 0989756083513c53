"""pdsa cycles: a school's tests of a change idea (plan, do, study, act), chained into ramps

One row per cycle with each phase's text and its rendered HTML, the school,
the change idea (a driver node, archived never deleted), the practice it
started from, the cycle before it, the live session it was committed to and
its discussion thread (and the session's time of asking for commitments); co-owners from
other schools beside it; school teams' own settings of their stage with a
change idea, only ever added.

Revision ID: 0021c
Revises: 0020d
Create Date: 2026-12-03 09:11:24.868732

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021c'
down_revision = '0020d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commitments_opened_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('pdsa_cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change_idea_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('practice_id', sa.Integer(), nullable=True),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('phase', sa.String(length=8), nullable=False),
    sa.Column('planned_start', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('question_html', sa.Text(), nullable=False),
    sa.Column('prediction', sa.Text(), nullable=False),
    sa.Column('prediction_html', sa.Text(), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('plan_html', sa.Text(), nullable=False),
    sa.Column('data_plan', sa.Text(), nullable=False),
    sa.Column('data_plan_html', sa.Text(), nullable=False),
    sa.Column('did', sa.Text(), nullable=False),
    sa.Column('did_html', sa.Text(), nullable=False),
    sa.Column('observations', sa.Text(), nullable=False),
    sa.Column('observations_html', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('problems_html', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('results_html', sa.Text(), nullable=False),
    sa.Column('learned', sa.Text(), nullable=False),
    sa.Column('learned_html', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=8), nullable=True),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.Column('next_steps_html', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start', name=op.f('ck_pdsa_cycle_dates_in_order')),
    sa.ForeignKeyConstraint(['change_idea_id'], ['driver_node.id'], name=op.f('fk_pdsa_cycle_change_idea_id_driver_node')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_pdsa_cycle_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['live_session.id'], name=op.f('fk_pdsa_cycle_session_id_live_session'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['thread.id'], name=op.f('fk_pdsa_cycle_thread_id_thread'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['peer_group.id'], name=op.f('fk_pdsa_cycle_group_id_peer_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_pdsa_cycle_practice_id_practice'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['previous_id'], ['pdsa_cycle.id'], name=op.f('fk_pdsa_cycle_previous_id_pdsa_cycle'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_pdsa_cycle_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pdsa_cycle'))
    )
    with op.batch_alter_table('pdsa_cycle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pdsa_cycle_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pdsa_cycle_group_id'), ['group_id'], unique=False)
        batch_op.create_index('ix_pdsa_cycle_idea_school', ['change_idea_id', 'school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pdsa_cycle_practice_id'), ['practice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pdsa_cycle_previous_id'), ['previous_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pdsa_cycle_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pdsa_cycle_thread_id'), ['thread_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pdsa_cycle_session_id'), ['session_id'], unique=False)

    op.create_table('pdsa_cycle_owner',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['pdsa_cycle.id'], name=op.f('fk_pdsa_cycle_owner_cycle_id_pdsa_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_pdsa_cycle_owner_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cycle_id', 'user_id', name=op.f('pk_pdsa_cycle_owner'))
    )
    with op.batch_alter_table('pdsa_cycle_owner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pdsa_cycle_owner_user_id'), ['user_id'], unique=False)



    op.create_table('stage_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change_idea_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['change_idea_id'], ['driver_node.id'], name=op.f('fk_stage_setting_change_idea_id_driver_node')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_stage_setting_school_id_school')),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_stage_setting_set_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_setting'))
    )
    with op.batch_alter_table('stage_setting', schema=None) as batch_op:
        batch_op.create_index('ix_stage_setting_idea_school', ['change_idea_id', 'school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stage_setting_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stage_setting_set_by_id'), ['set_by_id'], unique=False)


def downgrade():
    op.drop_table('stage_setting')
    with op.batch_alter_table('pdsa_cycle_owner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pdsa_cycle_owner_user_id'))

    op.drop_table('pdsa_cycle_owner')
    with op.batch_alter_table('pdsa_cycle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pdsa_cycle_school_id'))
        batch_op.drop_index(batch_op.f('ix_pdsa_cycle_previous_id'))
        batch_op.drop_index(batch_op.f('ix_pdsa_cycle_practice_id'))
        batch_op.drop_index('ix_pdsa_cycle_idea_school')
        batch_op.drop_index(batch_op.f('ix_pdsa_cycle_group_id'))
        batch_op.drop_index(batch_op.f('ix_pdsa_cycle_session_id'))
        batch_op.drop_index(batch_op.f('ix_pdsa_cycle_thread_id'))
        batch_op.drop_index(batch_op.f('ix_pdsa_cycle_created_by_id'))

    op.drop_table('pdsa_cycle')

    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.drop_column('commitments_opened_at')
