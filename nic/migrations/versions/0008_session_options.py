"""live session options: anonymous questions, hidden poll results, multiple-choice polls,
the video-call link

live_session.anonymous_questions, hide_poll_results and video_url; live_question.anonymous
(asked while the option was on); live_poll.multiple, whose votes keep one row per chosen
option (the primary key of live_poll_vote gains option_index).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 05:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous_questions', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('hide_poll_results', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('video_url', sa.String(length=500), server_default='', nullable=False))
    with op.batch_alter_table('live_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('live_poll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('multiple', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('live_poll_vote', schema=None) as batch_op:
        batch_op.drop_constraint('pk_live_poll_vote', type_='primary')
        batch_op.create_primary_key('pk_live_poll_vote', ['poll_id', 'user_id', 'option_index'])


def downgrade():
    # A single-choice vote per person: keep each person's first option.
    op.execute(
        "DELETE FROM live_poll_vote WHERE option_index > (SELECT MIN(v.option_index) "
        "FROM live_poll_vote v WHERE v.poll_id = live_poll_vote.poll_id "
        "AND v.user_id = live_poll_vote.user_id)"
    )
    with op.batch_alter_table('live_poll_vote', schema=None) as batch_op:
        batch_op.drop_constraint('pk_live_poll_vote', type_='primary')
        batch_op.create_primary_key('pk_live_poll_vote', ['poll_id', 'user_id'])
    with op.batch_alter_table('live_poll', schema=None) as batch_op:
        batch_op.drop_column('multiple')
    with op.batch_alter_table('live_question', schema=None) as batch_op:
        batch_op.drop_column('anonymous')
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.drop_column('video_url')
        batch_op.drop_column('hide_poll_results')
        batch_op.drop_column('anonymous_questions')
