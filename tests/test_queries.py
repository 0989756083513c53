"""Pages run a constant, small number of SQL queries whatever their size."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.services import discussions, measures
from nic.services import groups as groups_service
from nic.services.reading import REPLIES_PER_PAGE
from tests.factories import make_group, make_reply, make_school, make_thread, make_user


def build_thread(group, authors, n_posts):
    thread = make_thread(group, authors[0])
    posts = []
    for n in range(n_posts - 1):
        parent = posts[n // 2] if n % 3 and posts else None
        posts.append(make_reply(thread, authors[n % len(authors)], f"Reply {n}", parent))
    discussions.edit_post(authors[0], posts[0].id, "Edited reply")
    discussions.delete_post(authors[1], posts[1].id)
    return thread


@pytest.fixture
def network():
    schools = [make_school(f"School {n}") for n in range(3)]
    authors = [make_user(f"Author {n}", school=schools[n % 3]) for n in range(6)]
    reader = make_user("Reader", school=schools[0])
    group = make_group(members=[*authors, reader])
    return group, authors, reader


def test_thread_page_queries_do_not_grow_with_posts(client, login, count_queries, network):
    group, authors, reader = network
    urls = [f"/threads/{build_thread(group, authors, n).id}" for n in (10, 300)]
    login(reader)
    counts = []
    for url in urls:
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10, counts
    # A page of the long thread: the opening post and 20 replies to it, each with its replies.
    page = response.get_data(as_text=True)
    assert REPLIES_PER_PAGE < page.count('<article class="post') < 300
    assert 'aria-label="Pages of replies"' in page


def test_group_page_queries_do_not_grow_with_threads(client, login, count_queries, network):
    group, authors, reader = network
    url = f"/groups/{group.id}"
    login(reader)
    counts = []
    for n_threads in (3, 22):
        for _ in range(n_threads):
            make_reply(make_thread(group, authors[0]), authors[1])
        with count_queries() as counter:
            page = client.get(url).get_data(as_text=True)
        assert page.count('class="item__title"') == min(25, 3 + n_threads if counts else 3)
        counts.append(counter.count)
    assert counts[0] == counts[1] and counts[1] <= 10, counts


def test_home_and_directory_queries_are_constant(client, login, count_queries, network):
    _group, authors, reader = network
    login(reader)
    counts = []
    for extra_groups in (0, 6):
        for n in range(extra_groups):
            other = make_group(f"Extra {n}", members=[reader, authors[0], authors[1]])
            make_reply(make_thread(other, authors[0]), authors[1])
        with count_queries() as home:
            assert client.get("/").status_code == 200
        with count_queries() as directory:
            assert client.get("/directory").status_code == 200
        counts.append((home.count, directory.count))
    assert counts[0] == counts[1], counts
    assert counts[1][0] <= 8 and counts[1][1] <= 8, counts


WRITES = ("INSERT", "UPDATE", "DELETE")


def writes(counter) -> list[str]:
    return [s for s in counter.statements if s.lstrip().upper().startswith(WRITES)]


def test_a_second_identical_view_writes_nothing(client, login, count_queries, network):
    group, authors, reader = network
    thread = build_thread(group, authors, 80)
    login(reader)
    for url in (f"/threads/{thread.id}", f"/threads/{thread.id}?page=2", f"/groups/{group.id}",
                "/", f"/u/{authors[0].username}", "/directory"):  # fmt: skip
        client.get(url)
        with count_queries() as again:
            assert client.get(url).status_code == 200
        assert writes(again) == [], url


def test_the_group_page_moves_last_visit_when_something_is_new_or_after_a_while(
    client, login, count_queries, network, monkeypatch
):
    group, authors, reader = network
    thread = make_thread(group, authors[0])
    login(reader)
    url = f"/groups/{group.id}"
    with count_queries() as first:
        client.get(url)
    assert len(writes(first)) == 1  # the first visit
    make_reply(thread, authors[1])
    with count_queries() as news:
        client.get(url)
    assert len(writes(news)) == 1  # something new since the last visit
    later = groups_service.utcnow() + groups_service.VISIT_REFRESH
    monkeypatch.setattr(groups_service, "utcnow", lambda: later)
    with count_queries() as stale:
        client.get(url)
    assert len(writes(stale)) == 1  # nothing new, but the last visit is old


def test_no_page_scans_the_post_table(app, client, login, network):
    """The home, group and thread pages find posts and threads through indexes, unsorted.

    On PostgreSQL, sequential scans are switched off for the EXPLAIN (with a
    few rows it would rightly prefer them): one still planned has no index.
    """
    group, authors, reader = network
    thread = build_thread(group, authors, 30)
    make_reply(thread, authors[2], "Unread for the reader")
    make_thread(make_group("Second group", members=[reader, authors[0]]), authors[0])
    login(reader)
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") or " RECURSIVE " in statement:
            seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        for url in ("/", f"/groups/{group.id}", f"/threads/{thread.id}", f"/threads/{thread.id}"):
            assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    sqlite = db.engine.dialect.name == "sqlite"
    scan = r"SCAN (post|thread|thread_read)\b" if sqlite else r".*Seq Scan on (post|thread)\b"
    with db.engine.connect() as conn:
        if not sqlite:
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in seen:
            explain = "EXPLAIN QUERY PLAN" if sqlite else "EXPLAIN"
            plan = conn.exec_driver_sql(f"{explain} {statement}", parameters).all()
            details = [row[-1] for row in plan]
            assert not [d for d in details if re.match(scan, d)], (statement, details)
            # Sorting the rows of a search of these tables sorts a whole thread or group;
            # sorting a subquery's few rows (a CO-ROUTINE, each arm LIMITed) is fine.
            sorts_archive = (
                "USE TEMP B-TREE FOR ORDER BY" in details
                and any(re.match(r"SEARCH (post|thread)\b", d) for d in details)
                and not any(d.startswith(("CO-ROUTINE", "MATERIALIZE")) for d in details)
            )
            assert not sorts_archive, (statement, details)


def _loads_of(counter, table: str) -> int:
    """Statements that load rows of `table` together with the membership (an access load)."""
    return sum(
        1
        for s in counter.statements
        if s.lstrip().upper().startswith("SELECT")
        and re.search(rf"\bFROM {table}\b", s)
        and "membership" in s
    )


def test_writes_load_and_authorize_their_thing_once(client, login, count_queries, network):
    """A reply, a new thread and an edit each load the thing with the membership once."""
    group, authors, _reader = network
    thread = make_thread(group, authors[0])
    post = make_reply(thread, authors[0], "First try")
    login(authors[0])
    cases = [
        (f"/threads/{thread.id}/reply", {"body": "A reply"}, "thread"),
        (f"/groups/{group.id}/threads/new", {"title": "New", "body": "Opening"}, "peer_group"),
        (f"/posts/{post.id}/edit", {"body": "Second try"}, "thread"),
    ]
    for url, form, table in cases:
        token = client.csrf_token()
        with count_queries() as counter:
            response = client.post(url, data={**form, "csrf_token": token})
        assert response.status_code == 302, url
        assert _loads_of(counter, table) == 1, (url, counter.statements)


def test_measure_pages_write_nothing_and_a_point_loads_its_measure_once(
    client, login, count_queries, network
):
    """The measure pages only read; entering a point loads the measure with the membership
    once (the page, the check and the save share that one load)."""
    _group, authors, _reader = network
    facilitator = make_user("Fran Facilitator", job_role="facilitator")
    measure = measures.define_measure(facilitator, None, measures.MeasureFields(
        "PLC meetings held", "process", "count", "weekly", "up"))  # fmt: skip
    login(authors[0])
    token = client.csrf_token()
    with count_queries() as counter:
        response = client.post(f"/measures/{measure.id}/points", data={
            "csrf_token": token, "period": "2026-03-02", "value": "3"})  # fmt: skip
    assert response.status_code == 302
    assert _loads_of(counter, "measure") == 1, counter.statements
    school = authors[0].school_id
    for url in ("/measures", f"/measures/{measure.id}", f"/measures/{measure.id}/export.csv",
                f"/measures/{measure.id}/schools/{school}"):  # fmt: skip
        client.get(url)
        with count_queries() as again:
            assert client.get(url).status_code == 200, url
        assert writes(again) == [], url
