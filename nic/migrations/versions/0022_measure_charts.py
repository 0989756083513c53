"""measure charts: each school's run chart of a measure, summarised when it changes (and
the points' chart-version index, which only the dashboard's grouped query used, dropped)

Revision ID: 0028s
Revises: 0027d
Create Date: 2026-12-06 21:30:00.000000

The rows of existing charts are made from their points, their signals left to evaluate
(None): the first dashboard that reads them evaluates and stores them
(nic.services.chart_summaries.evaluate_pending).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028s'
down_revision = '0027d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'measure_chart',
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('last_period', sa.Date(), nullable=False),
        sa.Column('signals', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_chart_measure_id_measure'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_measure_chart_school_id_school'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('measure_id', 'school_id', name=op.f('pk_measure_chart')),
    )
    with op.batch_alter_table('measure_chart', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_chart_school_id'), ['school_id'], unique=False)
    op.execute(
        "INSERT INTO measure_chart (measure_id, school_id, points, last_period, signals) "
        "SELECT measure_id, school_id, count(*), max(period), NULL FROM measure_point "
        "GROUP BY measure_id, school_id"
    )
    with op.batch_alter_table('measure_point', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_point_chart_version')


def downgrade():
    with op.batch_alter_table('measure_point', schema=None) as batch_op:
        batch_op.create_index('ix_measure_point_chart_version', ['measure_id', 'school_id', 'updated_at'], unique=False)
    with op.batch_alter_table('measure_chart', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_chart_school_id'))
    op.drop_table('measure_chart')
