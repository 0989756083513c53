"""deleted posts leave the reply counts; a thread with no live post leaves its group

Data only: `thread.reply_count` now counts replies not deleted, and
`peer_group.thread_count` leaves out threads whose every post is deleted
(nic.services.discussions.delete_post, nic.services.read_state.recount_all).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 05:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

FIRST_POST = "(SELECT min(first.id) FROM post AS first WHERE first.thread_id = thread.id)"


def _recount(live_only: bool) -> None:
    alive = " AND post.deleted_at IS NULL" if live_only else ""
    gone = " AND thread.post_count > 0" if live_only else ""
    op.execute(sa.text(
        f"""UPDATE thread SET reply_count = (
            SELECT count(post.id) FROM post
            WHERE post.thread_id = thread.id AND post.id != {FIRST_POST}{alive})"""  # noqa: S608
    ))
    op.execute(sa.text(
        f"""UPDATE peer_group SET thread_count = (
            SELECT count(thread.id) FROM thread
            WHERE thread.group_id = peer_group.id AND thread.hidden = false{gone})"""  # noqa: S608
    ))


def upgrade():
    _recount(live_only=True)


def downgrade():
    _recount(live_only=False)
