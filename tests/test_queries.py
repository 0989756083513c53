"""Pages run a constant, small number of SQL queries whatever their size."""

from __future__ import annotations

import pytest

from nic.services import discussions
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
