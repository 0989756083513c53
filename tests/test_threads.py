"""Threaded discussions: start, reply, nest, edit, delete, moderate, read state."""

from __future__ import annotations

import itertools
import re

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import Group, Post, PostRevision, Thread
from nic.services import discussions, reading
from tests.factories import make_group, make_reply, make_thread, make_user


@pytest.fixture
def people():
    principal = make_user("Maria Lopez")
    peer = make_user("James Okafor")
    facilitator = make_user("Dana Whitfield", job_role="facilitator")
    group = make_group("Principals' Circle", facilitator=facilitator, members=[principal, peer])
    return principal, peer, facilitator, group


def test_start_thread_renders_markdown(client, login, people):
    principal, _peer, _f, group = people
    login(principal)
    response = client.post_form(
        f"/groups/{group.id}/threads/new",
        {"title": "Protecting PLC time", "body": "Our PLCs keep getting **cancelled**."},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>Protecting PLC time</h1>" in page
    assert "<strong>cancelled</strong>" in page


def test_a_link_may_start_the_thread_for_the_writer_who_still_edits_it(client, login, people):
    principal, _peer, _f, group = people
    login(principal)
    page = client.get(
        f"/groups/{group.id}/threads/new",
        query_string={"title": "Shift: 7 points <above>", "body": "See [the chart](/measures/1)"},
    ).get_data(as_text=True)
    assert 'value="Shift: 7 points &lt;above&gt;"' in page
    assert "See [the chart](/measures/1)</textarea>" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 0  # not posted


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("", "A body", "Give your thread a title."),
        ("   ", "A body", "Give your thread a title."),
        ("t" * 201, "A body", "This is 201 characters; the limit is 200. Shorten it by 1."),
        ("A title", "", "Write something first."),
        ("A title", "b" * 50_001, "This is 50,001 characters; the limit is 50,000."),
    ],
)
def test_start_thread_rejects_bad_input_and_keeps_text(client, login, people, title, body, message):
    principal, _peer, _f, group = people
    login(principal)
    response = client.post_form(f"/groups/{group.id}/threads/new", {"title": title, "body": body})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    if body and len(body) < 100:
        assert body in page
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 0


def test_reply_to_a_reply_nests_it(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    first = make_reply(thread, peer, "We moved PLCs into the master schedule.")
    login(principal)
    response = client.post_form(
        f"/threads/{thread.id}/reply",
        {"body": "What did you give up for it?", "parent_id": str(first.id)},
    )
    assert response.status_code == 302
    post = db.session.scalar(sa.select(Post).order_by(Post.id.desc()))
    assert post.parent_id == first.id
    assert response.headers["Location"].endswith(f"#post-{post.id}")
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    # The reply sits inside the first reply's <li>, in a nested list.
    first_block = page[page.index(f'id="post-{first.id}"') :]
    assert first_block.index('<ol class="replies">') < first_block.index(f'id="post-{post.id}"')
    db.session.refresh(thread)
    assert thread.reply_count == 2


def test_deep_replies_stay_flat_with_in_reply_to_links(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    parent = None
    chain = []
    for n in range(7):
        parent = make_reply(thread, peer if n % 2 else principal, f"Depth {n + 1}", parent)
        chain.append(parent)
    _opening, replies = reading.build_tree(
        list(db.session.scalars(reading.posts_query(thread.id)).unique())
    )
    depths = {}

    def walk(nodes):
        for node in nodes:
            depths[node.post.id] = (node.depth, node.in_reply_to)
            walk(node.children)

    walk(replies)
    assert [depths[p.id][0] for p in chain] == [1, 2, 3, 4, 5, 5, 5]
    assert depths[chain[5].id][1].id == chain[4].id
    assert depths[chain[6].id][1].id == chain[5].id
    login(principal)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f'class="in-reply-to" href="#post-{chain[5].id}"' in page


def test_reply_to_post_of_another_thread_is_refused(client, login, people):
    principal, peer, _f, group = people
    one = make_thread(group, principal, title="One")
    other = make_thread(group, peer, title="Other")
    foreign = make_reply(other, peer)
    login(principal)
    response = client.post_form(
        f"/threads/{one.id}/reply", {"body": "Keep this text", "parent_id": str(foreign.id)}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That post is not in this thread." in page
    assert "Keep this text" in page


def test_empty_reply_is_refused_and_thread_still_shows(client, login, people):
    principal, _peer, _f, group = people
    thread = make_thread(group, principal, title="Walkthrough feedback")
    login(principal)
    response = client.post_form(f"/threads/{thread.id}/reply", {"body": "   "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Write something first." in page and "Walkthrough feedback" in page


def test_locked_thread_refuses_replies_from_members_not_facilitators(client, login, people):
    principal, peer, facilitator, group = people
    thread = make_thread(group, principal)
    discussions.set_thread_flag(facilitator, thread.id, "locked", True)
    login(peer)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "This thread is locked" in page and "Post reply" not in page
    response = client.post_form(f"/threads/{thread.id}/reply", {"body": "Sneaking in"})
    assert response.status_code == 403
    assert "locked" in response.get_data(as_text=True)
    login(facilitator)
    response = client.post_form(f"/threads/{thread.id}/reply", {"body": "Closing summary"})
    assert response.status_code == 302


def test_edit_keeps_history(client, login, people):
    principal, _peer, _f, group = people
    thread = make_thread(group, principal, body="First version")
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id).order_by(Post.id))
    login(principal)
    edit_page = client.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    assert "First version" in edit_page
    response = client.post_form(f"/posts/{post.id}/edit", {"body": "Second version"})
    assert response.status_code == 302
    client.post_form(f"/posts/{post.id}/edit", {"body": "Third version"})
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Third version" in page and "(edited)" in page
    history = client.get(f"/posts/{post.id}/history").get_data(as_text=True)
    assert history.index("Third version") < history.index("Second version")
    assert history.index("Second version") < history.index("First version")
    assert db.session.scalar(sa.select(sa.func.count(PostRevision.id))) == 2


def test_edit_rejects_bad_input_and_others_posts(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal, body="Original")
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id).order_by(Post.id))
    login(principal)
    response = client.post_form(f"/posts/{post.id}/edit", {"body": ""})
    assert response.status_code == 400
    assert "Write something first." in response.get_data(as_text=True)
    login(peer)
    assert client.post_form(f"/posts/{post.id}/edit", {"body": "Hijack"}).status_code == 403
    db.session.refresh(post)
    assert post.body == "Original"


def test_delete_is_soft_and_replies_keep_context(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    doomed = make_reply(thread, principal, "I will delete this")
    answer = make_reply(thread, peer, "Answer to the deleted post", doomed)
    login(principal)
    assert client.post_form(f"/posts/{doomed.id}/delete").status_code == 302
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Post deleted." in page
    assert "I will delete this" not in page
    assert "Answer to the deleted post" in page
    assert f'id="post-{answer.id}"' in page
    assert client.post_form(f"/posts/{doomed.id}/edit", {"body": "x"}).status_code == 403


def test_facilitator_pins_locks_hides(client, login, people):
    principal, peer, facilitator, group = people
    thread = make_thread(group, principal, title="Ask me anything")
    reply = make_reply(thread, peer, "Off-topic remark")
    login(facilitator)
    for flag in ["pinned", "locked"]:
        assert client.post_form(f"/threads/{thread.id}/{flag}", {"value": "1"}).status_code == 302
    assert client.post_form(f"/posts/{reply.id}/hidden", {"value": "1"}).status_code == 302
    db.session.refresh(thread)
    assert thread.pinned and thread.locked
    login(principal)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Post hidden by a facilitator." in page and "Off-topic remark" not in page
    assert "Pinned" in page and "Locked" in page
    login(facilitator)
    assert "Off-topic remark" in client.get(f"/threads/{thread.id}").get_data(as_text=True)


def test_thread_opens_at_first_unread_post(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    make_reply(thread, peer, "Read already")
    login(principal)
    client.get(f"/threads/{thread.id}")
    fresh = make_reply(thread, peer, "Not read yet")
    make_reply(thread, peer, "Also not read")
    response = client.get(f"/threads/{thread.id}/unread")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#post-{fresh.id}")
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert re.search(
        rf'id="post-{fresh.id}"[^>]*>\s*<p class="badge badge--new" id="unread">', page
    )
    # Once read, the link opens the thread at the top.
    assert (
        client.get(f"/threads/{thread.id}/unread")
        .headers["Location"]
        .endswith(f"/threads/{thread.id}")
    )


def test_first_unread_skips_a_deleted_post(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    login(principal)
    client.get(f"/threads/{thread.id}")
    withdrawn = make_reply(thread, peer, "Posted in the wrong thread")
    kept = make_reply(thread, peer, "The real answer")
    discussions.delete_post(peer, withdrawn.id)
    assert (
        client.get(f"/threads/{thread.id}/unread").headers["Location"].endswith(f"#post-{kept.id}")
    )
    assert "1 unread" in client.get("/").get_data(as_text=True)


def test_home_shows_groups_with_unread_counts_and_recent_activity(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, peer, title="Keeping discipline from eating the day")
    make_reply(thread, peer, "Any ideas?")
    login(principal)
    page = client.get("/").get_data(as_text=True)
    assert "Principals&#39; Circle" in page
    assert "2 unread" in page
    assert "Keeping discipline from eating the day" in page
    client.get(f"/threads/{thread.id}")
    assert "unread" not in client.get("/").get_data(as_text=True).split("Your groups")[1]


def test_markdown_preview_is_sanitised(client, login, people):
    principal, *_ = people
    login(principal)
    token = client.csrf_token()
    response = client.post(
        "/preview",
        json={"text": "**bold** <script>alert(1)</script>"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    # Raw HTML is shown as typed, as text: never run, never parsed.
    assert response.json["html"] == (
        "<p><strong>bold</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    missing_csrf = client.post("/preview", json={"text": "x"})
    assert missing_csrf.status_code == 400
    bad = client.post("/preview", data="nope", headers={"X-CSRFToken": token})
    assert bad.status_code == 400


def test_nul_character_is_refused_with_a_message_not_a_500(client, login, people):
    principal, _peer, _f, group = people
    login(principal)
    response = client.post_form(
        f"/groups/{group.id}/threads/new", {"title": "Fine title", "body": "Hidden \x00 NUL"}
    )
    assert response.status_code == 400
    assert "invisible control character" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 0


def thread_pages(client, thread_id: int) -> list[str]:
    """Every page of a thread, following its Next links."""
    pages, url = [], f"/threads/{thread_id}"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True))
        found = re.search(r'href="([^"]+)" rel="next"', pages[-1])
        url = found.group(1).replace("&amp;", "&") if found else None
    return pages


def shown_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article[^>]*id="post-(\d+)"', page)]


def test_long_thread_is_paged_by_replies_with_everything_under_them(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    opening_id = thread.last_post_id
    branches = []
    for n in range(reading.REPLIES_PER_PAGE + 5):
        top = make_reply(thread, peer, f"Reply {n}")
        branches.append([top.id])
        if n in (0, reading.REPLIES_PER_PAGE + 1):  # a deep branch on each page
            child = make_reply(thread, principal, f"Answer to {n}", top)
            grandchild = make_reply(thread, peer, f"Follow-up to {n}", child)
            branches[-1] += [child.id, grandchild.id]
    late = make_reply(
        thread, principal, "A late answer to the first reply", db.session.get(Post, branches[0][0])
    )
    branches[0].append(late.id)
    login(principal)

    first, second = thread_pages(client, thread.id)
    on_first = [i for b in branches[: reading.REPLIES_PER_PAGE] for i in b]
    on_second = [i for b in branches[reading.REPLIES_PER_PAGE :] for i in b]
    assert sorted(shown_ids(first)) == sorted([opening_id, *on_first])
    assert sorted(shown_ids(second)) == sorted([opening_id, *on_second])
    assert "page 2 of 2" in second
    assert client.get(f"/threads/{thread.id}?page=3").status_code == 404
    assert client.get(f"/threads/{thread.id}?page=nonsense").status_code == 200


def test_links_to_a_post_open_the_page_that_shows_it(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    for n in range(reading.REPLIES_PER_PAGE):
        make_reply(thread, peer, f"Reply {n}")
    last_top = make_reply(thread, peer, "The first reply on page 2")
    login(principal)
    client.get(f"/threads/{thread.id}")  # reads page 1 only

    # Unread opens page 2 at the first post not yet read.
    unread = client.get(f"/threads/{thread.id}/unread").headers["Location"]
    assert unread.endswith(f"/threads/{thread.id}?page=2#post-{last_top.id}")
    # A reply to a post on page 2 lands on page 2, its Reply link keeps the page.
    page = client.get(f"/threads/{thread.id}?page=2").get_data(as_text=True)
    assert f"reply_to={last_top.id}" in page and "page=2" in page
    response = client.post_form(
        f"/threads/{thread.id}/reply", {"body": "Answering you here", "parent_id": last_top.id}
    )
    answer = db.session.scalar(sa.select(sa.func.max(Post.id)))
    assert response.headers["Location"].endswith(f"?page=2#post-{answer}")
    # An empty reply to it re-shows page 2, where the post being answered is.
    response = client.post_form(
        f"/threads/{thread.id}/reply", {"body": "", "parent_id": last_top.id}
    )
    assert response.status_code == 400 and f'id="post-{last_top.id}"' in response.get_data(
        as_text=True
    )


def unread_link(client, thread_id: int) -> str:
    return client.get(f"/threads/{thread_id}/unread").headers["Location"]


def test_reading_a_later_page_first_marks_nothing_unseen_as_read(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, peer, title="Walkthrough notes")
    first_page = [make_reply(thread, peer, f"Reply {n}") for n in range(reading.REPLIES_PER_PAGE)]
    second_page = make_reply(thread, peer, "The first reply on page 2")
    login(principal)

    client.get(f"/threads/{thread.id}?page=2")
    # Page 1's replies were never shown: the thread still opens at the first of them.
    assert unread_link(client, thread.id).endswith(f"#post-{first_page[0].id}")
    # Page 2's reply, newer than all of them, counts as unread too until page 1 is read.
    assert f"{reading.REPLIES_PER_PAGE + 1} unread" in client.get("/").get_data(as_text=True)

    client.get(f"/threads/{thread.id}")
    assert unread_link(client, thread.id).endswith(f"?page=2#post-{second_page.id}")
    client.get(f"/threads/{thread.id}?page=2")
    assert unread_link(client, thread.id).endswith(f"/threads/{thread.id}")


def test_a_new_answer_on_page_one_stays_unread_after_reading_page_two(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, peer, title="Walkthrough notes")
    first = make_reply(thread, peer, "The first reply")
    for n in range(reading.REPLIES_PER_PAGE):
        make_reply(thread, peer, f"Reply {n}")
    login(principal)
    thread_pages(client, thread.id)  # everything read
    late = make_reply(thread, peer, "A late answer, shown on page 1", first)
    newest = make_reply(thread, peer, "A new reply, shown on page 2")

    client.get(f"/threads/{thread.id}?page=2")
    # The late answer on page 1 was not shown, so it is still unread; page 2's reply is not
    # the first unread any more, but counts until page 1 is read.
    assert unread_link(client, thread.id).endswith(f"/threads/{thread.id}#post-{late.id}")
    assert "2 unread" in client.get("/").get_data(as_text=True)

    client.get(f"/threads/{thread.id}")
    assert unread_link(client, thread.id).endswith(f"?page=2#post-{newest.id}")
    client.get(f"/threads/{thread.id}?page=2")
    assert unread_link(client, thread.id).endswith(f"/threads/{thread.id}")


# ---------- Replying in place, quoting the parent (issue 17) ----------


def reply_json(client, thread, data):
    return client.post_form(
        f"/threads/{thread.id}/reply", data, headers={"Accept": "application/json"}
    )


def test_reply_link_falls_back_to_a_form_that_names_and_quotes_the_parent(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    first = make_reply(thread, peer, "We moved **PLCs** into the master schedule, every Tuesday.")
    login(principal)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    link = re.search(rf'<a [^>]*data-reply-to="{first.id}"[^>]*>', page).group(0)
    assert 'data-reply-author="James Okafor"' in link and f"reply_to={first.id}" in link
    page = client.get(f"/threads/{thread.id}?reply_to={first.id}").get_data(as_text=True)
    form = page[page.index('id="reply-heading"') :]
    assert "Reply to James Okafor" in form
    assert f'Replying to <a href="#post-{first.id}">James Okafor</a>' in form
    assert (
        '<blockquote class="reply-quote__text">We moved PLCs into the master schedule, '
        "every Tuesday.</blockquote>" in form
    )
    assert f'name="parent_id" type="hidden" value="{first.id}"' in form


def test_a_long_parent_is_quoted_as_a_short_excerpt(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    long = make_reply(thread, peer, "Walkthroughs " + "with feedback " * 40 + "THE END")
    login(principal)
    page = client.get(f"/threads/{thread.id}?reply_to={long.id}").get_data(as_text=True)
    quote = re.search(r'<blockquote class="reply-quote__text">(.*?)</blockquote>', page).group(1)
    assert quote.startswith("Walkthroughs with feedback") and quote.endswith("…")
    assert len(quote) <= 161 and "THE END" not in quote


def test_a_script_posts_a_reply_and_gets_its_card(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    first = make_reply(thread, peer, "We moved PLCs into the master schedule.")
    deeper = make_reply(thread, principal, "What did you give up?", first)
    login(peer)
    response = reply_json(client, thread, {"body": "Our *advisory* block.", "parent_id": deeper.id})
    assert response.status_code == 201
    data = response.json
    post = db.session.scalar(sa.select(Post).order_by(Post.id.desc()))
    assert post.parent_id == deeper.id and post.body == "Our *advisory* block."
    assert data["id"] == post.id and data["parent_id"] == deeper.id and data["page"] == 1
    assert data["url"].endswith(f"/threads/{thread.id}#post-{post.id}")
    assert data["replies"] == "3 replies"
    card = data["html"]
    assert card.lstrip().startswith(f'<article class="post" id="post-{post.id}"')
    assert "<em>advisory</em>" in card
    assert f'<a class="in-reply-to" href="#post-{deeper.id}">in reply to Maria Lopez</a>' in card
    # The card is the one a reload shows.
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f'class="in-reply-to" href="#post-{deeper.id}"' in page


def test_a_script_replying_to_the_opening_post_gets_a_top_level_card(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    opening = db.session.scalar(
        sa.select(Post).where(Post.thread_id == thread.id).order_by(Post.id)
    )
    login(peer)
    response = reply_json(client, thread, {"body": "Same here.", "parent_id": opening.id})
    assert response.status_code == 201
    assert "in-reply-to" not in response.json["html"]
    assert response.json["replies"] == "1 reply"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Write something first."),
        ("b" * 50_001, "This is 50,001 characters; the limit is 50,000. Shorten it by 1."),
    ],
)
def test_a_script_gets_the_error_as_json_and_nothing_is_posted(
    client, login, people, body, message
):
    principal, _peer, _f, group = people
    thread = make_thread(group, principal)
    login(principal)
    response = reply_json(client, thread, {"body": body})
    assert response.status_code == 400
    assert response.json["error"]["fields"]["body"] == message
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 1


def test_a_script_gets_refusals_as_json(client, login, people):
    principal, peer, facilitator, group = people
    thread = make_thread(group, principal)
    other = make_thread(group, peer, title="Other")
    foreign = make_reply(other, peer)
    login(peer)
    response = reply_json(client, thread, {"body": "x", "parent_id": foreign.id})
    assert response.status_code == 400
    assert response.json["error"]["fields"]["parent_id"] == "That post is not in this thread."
    discussions.set_thread_flag(facilitator, thread.id, "locked", True)
    response = reply_json(client, thread, {"body": "Sneaking in"})
    assert response.status_code == 403
    assert response.json["error"]["message"] == "This thread is locked: no new replies."
    no_token = client.post(
        f"/threads/{thread.id}/reply", data={"body": "x"}, headers={"Accept": "application/json"}
    )
    assert no_token.status_code == 400 and no_token.json["error"]["code"] == "csrf"


def test_every_reply_to_a_reply_names_whom_it_answers(client, login, people):
    """Indentation stops early on a phone: the label carries who answers whom (issue 17)."""
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    chain, parent = [], None
    for n in range(6):
        parent = make_reply(thread, peer if n % 2 else principal, f"Level {n + 1}", parent)
        chain.append(parent)
    login(principal)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f'<a class="in-reply-to" href="#post-{chain[0].id}"' not in page.split("<article")[1]
    for parent, child in itertools.pairwise(chain):
        name = "James Okafor" if chain.index(parent) % 2 else "Maria Lopez"
        child_card = page[page.index(f'id="post-{child.id}"') :].split("</article>")[0]
        assert f'<a class="in-reply-to" href="#post-{parent.id}">in reply to {name}</a>' in (
            child_card
        )


# ---------- Deleted posts leave the page and the counts (issue 17) ----------


def test_a_deleted_reply_with_no_replies_leaves_the_page_and_the_counts(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal, title="Coverage for PLCs")
    kept = make_reply(thread, peer, "Kept reply")
    doomed = make_reply(thread, peer, "I will delete this", kept)
    login(peer)
    assert client.post_form(f"/posts/{doomed.id}/delete").status_code == 302
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f'id="post-{doomed.id}"' not in page and "Post deleted." not in page
    assert ">1 reply<" in page
    listing = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "1 reply" in listing and "2 replies" not in listing
    # Soft: the row and its text are kept.
    assert db.session.get(Post, doomed.id).body == "I will delete this"


def test_a_deleted_post_with_replies_keeps_a_placeholder_even_several_levels_up(
    client, login, people
):
    principal, peer, _f, group = people
    thread = make_thread(group, principal)
    top = make_reply(thread, principal, "Top, deleted")
    middle = make_reply(thread, principal, "Middle, deleted", top)
    leaf = make_reply(thread, peer, "A live answer", middle)
    gone = make_reply(thread, principal, "A deleted leaf beside it", top)
    for post in (top, middle, gone):
        discussions.delete_post(principal, post.id)
    login(peer)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f'id="post-{top.id}"' in page and f'id="post-{middle.id}"' in page
    assert page.count("Post deleted.") == 2 and f'id="post-{gone.id}"' not in page
    assert "A live answer" in page and f'id="post-{leaf.id}"' in page
    assert ">1 reply<" in page
    # Deleting the last live post under them takes the placeholders away too.
    discussions.delete_post(peer, leaf.id)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Post deleted." not in page and ">0 replies<" in page


def test_a_thread_whose_every_post_is_deleted_is_gone_from_its_group(client, login, people):
    principal, _peer, facilitator, group = people
    thread = make_thread(group, principal, title="Posted in the wrong group")
    make_thread(group, principal, title="A thread that stays")
    login(principal)
    opening = db.session.scalar(
        sa.select(Post).where(Post.thread_id == thread.id).order_by(Post.id)
    )
    response = client.post_form(f"/posts/{opening.id}/delete")
    assert response.headers["Location"].endswith(f"/groups/{group.id}")
    for viewer in (principal, facilitator):
        login(viewer)
        listing = client.get(f"/groups/{group.id}").get_data(as_text=True)
        assert "Posted in the wrong group" not in listing and "A thread that stays" in listing
        assert "Posted in the wrong group" not in client.get("/").get_data(as_text=True)
        assert client.get(f"/threads/{thread.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Group, group.id).thread_count == 1
    assert db.session.get(Post, opening.id).body  # soft: still there


def test_a_thread_whose_opening_post_is_deleted_stays_while_it_has_replies(client, login, people):
    principal, peer, _f, group = people
    thread = make_thread(group, principal, title="Schedules that protect PLCs")
    make_reply(thread, peer, "Our A/B schedule")
    opening = db.session.scalar(
        sa.select(Post).where(Post.thread_id == thread.id).order_by(Post.id)
    )
    discussions.delete_post(principal, opening.id)
    login(peer)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f'id="post-{opening.id}"' in page and "Post deleted." in page
    assert "Our A/B schedule" in page and ">1 reply<" in page
    listing = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Schedules that protect PLCs" in listing and "1 reply" in listing
