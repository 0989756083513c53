"""Concurrent writers: no "database is locked", no lost update.

Eight threads reply to one thread at once, each in its own app context (its
own session and connection), the way several requests would. Every reply
must be stored and counted: read-then-write transactions begin IMMEDIATE on
SQLite and the reply counter is updated in SQL, not in Python.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa

from nic.extensions import db
from nic.models import Group, Membership, Post, Thread, ThreadRead
from nic.services import discussions, read_state
from tests.factories import make_group, make_thread, make_user

WRITERS = 8
REPLIES_EACH = 15


def test_concurrent_replies_are_all_stored(app):
    users = [make_user(f"Writer {n}") for n in range(WRITERS)]
    group = make_group(members=users)
    thread_id = make_thread(group, users[0]).id
    user_ids = [u.id for u in users]
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def write(user_id: int) -> None:
        try:
            with app.app_context():
                from nic.models import User

                user = db.session.get(User, user_id)
                start.wait()
                for n in range(REPLIES_EACH):
                    discussions.reply(user, thread_id, f"Reply {n} from {user_id}")
                    read_state.read_thread(user, db.session.get(Thread, thread_id))
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    stored = db.session.scalar(sa.select(sa.func.count(Post.id)).where(Post.thread_id == thread_id))
    assert stored == 1 + WRITERS * REPLIES_EACH
    thread = db.session.get(Thread, thread_id)
    assert thread.reply_count == WRITERS * REPLIES_EACH
    # The unread counters moved by SQL too: none lost, each writer has read it all.
    assert thread.post_count == stored
    assert db.session.get(Group, group.id).post_count == stored
    for user_id in user_ids:
        membership = db.session.get(Membership, (group.id, user_id))
        last_read = db.session.get(ThreadRead, (user_id, thread_id)).last_read_post_id
        unread_after = db.session.scalar(
            sa.select(sa.func.count(Post.id)).where(
                Post.thread_id == thread_id, Post.id > last_read
            )
        )
        assert stored - membership.read_count == unread_after
