"""Migrations build the whole schema from empty and match the models exactly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from nic import create_app
from nic.config import suite_config
from nic.extensions import db
from nic.models import Group, Membership, Thread
from nic.models.search import include_object
from nic.services import discussions, read_state
from nic.services.live import questions as live_questions
from nic.services.search import search
from tests.conftest import PG_URL, with_search_path
from tests.factories import (
    in_session,
    make_group,
    make_practice,
    make_reply,
    make_session,
    make_thread,
    make_user,
)
from tests.test_read_state import counters


def _fresh_url(tmp_path) -> tuple[str, str | None]:
    if not PG_URL:
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", None
    schema = f"nic_mig_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    return with_search_path(PG_URL, schema), schema


@pytest.fixture
def fresh_app(tmp_path) -> Iterator[Flask]:
    """An app on an empty database of its own (a schema of its own on PostgreSQL)."""
    url, schema = _fresh_url(tmp_path)
    app = create_app(suite_config(url))
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if schema:
            engine = sa.create_engine(PG_URL)
            with engine.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            engine.dispose()


def test_upgrade_from_empty_matches_models_and_downgrades(fresh_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, db.metadata)
        tables = set(sa.inspect(conn).get_table_names())
    assert diff == []
    assert {"user", "peer_group", "thread", "post", "chat_message"} <= tables
    downgrade(revision="base")
    with db.engine.connect() as conn:
        assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}


def test_the_unread_counters_are_filled_from_existing_posts(fresh_app):
    """Down to the schema before the counters and up again: the counts kept live come back."""
    upgrade()
    facilitator, reader, writer = make_user(job_role="facilitator"), make_user(), make_user()
    group = make_group(facilitator=facilitator, members=[reader, writer])
    thread = make_thread(group, writer)
    replies = [make_reply(thread, writer, f"Reply {n}") for n in range(4)]
    read_state.read_thread(reader, db.session.get(Thread, thread.id))
    discussions.delete_post(writer, replies[1].id)
    hidden = make_thread(group, writer, title="Hidden")
    read_state.read_thread(reader, db.session.get(Thread, hidden.id))
    discussions.set_thread_flag(facilitator, hidden.id, "hidden", True)
    make_reply(thread, writer, "Unread")
    kept = counters()
    db.session.remove()
    downgrade(revision="0001")
    upgrade()
    assert counters() == kept
    membership = db.session.get(Membership, (group.id, reader.id))
    assert read_state.group_unread(db.session.get(Group, group.id), membership) == 1


def test_altering_a_table_on_sqlite_never_deletes_what_refers_to_it(fresh_app):
    """SQLite alters a table by copying and dropping it: with foreign keys enforced that drop
    would cascade (it once emptied threads, memberships and practices). Down and up again,
    every row is still there."""
    upgrade()
    writer = make_user()
    group = make_group(members=[writer])
    thread = make_thread(group, writer)
    make_reply(thread, writer, "A reply")
    make_practice(writer, coauthors=(make_user(),))
    tables = ["membership", "thread", "post", "practice", "practice_author", "practice_label",
              "practice_revision"]  # fmt: skip

    def rows() -> dict[str, int]:
        with db.engine.connect() as conn:
            return {t: conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar() for t in tables}  # noqa: S608

    before = rows()
    assert all(before.values()), before
    db.session.remove()
    downgrade(revision="0004")
    upgrade()
    assert rows() == before


def test_existing_groups_get_slugs_apart_from_each_other_and_usernames(fresh_app):
    upgrade()
    make_user("Data")  # username "data"
    names = ["Principals' circle", "Principals circle!", "Data", "中文"]
    made = [make_group(name).id for name in names]
    db.session.remove()
    downgrade(revision="0008")
    upgrade()
    slugs = [db.session.get(Group, group_id).slug for group_id in made]
    assert slugs == ["principals-circle", "principals-circle-2", "data-2", "group"]


def test_questions_asked_before_their_index_are_found(fresh_app):
    """Down to before the questions' index and up again: what was asked is searched."""
    upgrade()
    facilitator, member = make_user(), make_user()
    group = make_group(facilitator=facilitator, members=[member])
    session = make_session(facilitator, group, live=True)
    asked = live_questions.ask(in_session(member, session.id), "Walkthrough rubrics?")["id"]
    db.session.remove()
    downgrade(revision="0023f")
    upgrade()
    hits = search(member, "rubric ").hits
    assert [(hit.kind, hit.id) for hit in hits] == [("question", asked)]
