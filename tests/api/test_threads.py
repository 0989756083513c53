"""Threads and posts through the API: read, start, reply, edit, delete, moderate."""

from __future__ import annotations

import pytest

from nic.services import discussions, tokens
from tests.api.conftest import ApiClient
from tests.factories import make_reply, make_thread


def test_a_group_lists_its_threads_with_unread_counts(network, as_role):
    body = as_role("member").get(f"groups/{network.private_group.id}/threads").get_json()
    assert [(t["title"], t["reply_count"], t["unread_count"]) for t in body["items"]] == [
        ("Protecting PLC time", 1, 1)  # the facilitator's reply is new to the member
    ]
    assert body["items"][0]["author"]["name"] == "Maria Lopez"


def test_starting_a_thread_returns_it_with_its_opening_post(network, as_role):
    response = as_role("member").post(
        f"groups/{network.private_group.id}/threads",
        {"title": "Walkthroughs", "body": "What do you **look for**?"},
    )
    assert response.status_code == 201
    thread = response.get_json()
    assert (thread["title"], thread["author"]["id"]) == ("Walkthroughs", network.member.id)
    opening = thread["opening_post"]
    assert opening["body_html"] == "<p>What do you <strong>look for</strong>?</p>"


def test_an_outsider_can_read_a_network_group_but_not_post(network, as_role):
    client = as_role("outsider")
    assert client.get(f"threads/{network.open_thread.id}").status_code == 200
    body = {"title": "Hello", "body": "Hi all."}
    assert client.post(f"groups/{network.open_group.id}/threads", body).status_code == 403
    reply = client.post(f"threads/{network.open_thread.id}/posts", {"body": "Hi."})
    assert reply.status_code == 403


def posts_of(client: ApiClient, thread_id: int) -> list[dict]:
    return client.get(f"threads/{thread_id}/posts?per_page=100").get_json()["items"]


def test_a_thread_comes_with_its_reply_tree(network, as_role):
    nested = make_reply(network.thread, network.member, "Which days?", parent=network.reply)
    client = as_role("member")
    opening = client.get(f"threads/{network.thread.id}").get_json()["opening_post"]
    posts = posts_of(client, network.thread.id)
    assert [(p["id"], p["parent_id"]) for p in posts] == [
        (opening["id"], None),
        (network.reply.id, None),
        (nested.id, network.reply.id),
    ]


def test_replying_to_a_post(network, as_role):
    response = as_role("member").post(
        f"threads/{network.thread.id}/posts", {"body": "Which days?", "parent_id": network.reply.id}
    )
    assert response.status_code == 201
    post = response.get_json()
    assert (post["parent_id"], post["author"]["id"]) == (network.reply.id, network.member.id)


def test_replying_to_a_post_of_another_thread_is_400(network, as_role):
    other = make_thread(network.private_group, network.facilitator)
    response = as_role("member").post(
        f"threads/{other.id}/posts", {"body": "x", "parent_id": network.reply.id}
    )
    assert response.status_code == 400
    assert "parent_id" in response.get_json()["error"]["fields"]


def test_editing_keeps_the_old_text_as_a_revision(network, as_role):
    client = as_role("facilitator")
    edited = client.patch(f"posts/{network.reply.id}", {"body": "We block it *weekly*."})
    assert edited.status_code == 200
    assert edited.get_json()["edited_at"] is not None
    revisions = client.get(f"posts/{network.reply.id}/revisions").get_json()
    assert [r["body"] for r in revisions["items"]] == ["We block it on the master schedule."]


def test_a_deleted_post_stays_in_the_thread_without_its_text(network, as_role):
    assert as_role("facilitator").delete(f"posts/{network.reply.id}").status_code == 204
    posts = posts_of(as_role("member"), network.thread.id)
    deleted = next(p for p in posts if p["id"] == network.reply.id)
    assert (deleted["deleted"], deleted["body"], deleted["body_html"]) == (True, None, None)
    assert (
        as_role("facilitator").patch(f"posts/{network.reply.id}", {"body": "x"}).status_code == 403
    )


def test_a_hidden_post_shows_its_text_only_to_facilitators(network, as_role):
    discussions.set_post_hidden(network.facilitator, network.reply.id, True)

    def reply_body(role):
        posts = posts_of(as_role(role), network.thread.id)
        return next(p for p in posts if p["id"] == network.reply.id)["body"]

    assert reply_body("member") is None
    assert reply_body("facilitator") == "We block it on the master schedule."
    assert as_role("member").get(f"posts/{network.reply.id}/revisions").status_code == 404


def test_a_hidden_thread_is_not_found_by_members(network, as_role):
    discussions.set_thread_flag(network.facilitator, network.thread.id, "hidden", True)
    assert as_role("member").get(f"threads/{network.thread.id}").status_code == 404
    assert as_role("facilitator").get(f"threads/{network.thread.id}").status_code == 200


@pytest.mark.parametrize(("action", "field"), [("pin", "pinned"), ("lock", "locked")])
def test_pin_and_lock_default_to_true_and_undo_with_false(network, as_role, action, field):
    client = as_role("facilitator")
    url = f"threads/{network.thread.id}/{action}"
    assert client.post(url).get_json()[field] is True
    assert client.post(url, {"value": False}).get_json()[field] is False
    assert client.post(url, {"value": True}).get_json()[field] is True


def test_a_locked_thread_takes_replies_only_from_facilitators(network, as_role):
    as_role("facilitator").post(f"threads/{network.thread.id}/lock")
    reply = {"body": "One more thing."}
    refused = as_role("member").post(f"threads/{network.thread.id}/posts", reply)
    assert refused.status_code == 403
    assert "locked" in refused.get_json()["error"]["message"]
    assert (
        as_role("facilitator").post(f"threads/{network.thread.id}/posts", reply).status_code == 201
    )


def test_thread_pages(network, as_role):
    for n in range(4):
        make_thread(network.private_group, network.member, f"Thread {n}")
    client = as_role("member")
    url = f"groups/{network.private_group.id}/threads?per_page=2"
    pages = [client.get(f"{url}&page={p}").get_json() for p in (1, 2, 3, 4)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1, 0]
    assert {p["total"] for p in pages} == {5}


def test_posts_page_through_the_whole_thread(network, as_role):
    thread = make_thread(network.private_group, network.member, "Long one")
    replies = [make_reply(thread, network.facilitator, f"Reply {n}") for n in range(4)]
    client = as_role("member")
    pages = [client.get(f"threads/{thread.id}/posts?per_page=2&page={p}").get_json()
             for p in (1, 2, 3, 4)]  # fmt: skip
    assert [[p["body"] for p in page["items"]] for page in pages] == [
        ["How do you protect PLC time?", "Reply 0"],
        ["Reply 1", "Reply 2"],
        ["Reply 3"],
        [],
    ]
    assert {page["total"] for page in pages} == {5}
    assert pages[1]["items"][0]["id"] == replies[1].id
    bad = client.get(f"threads/{thread.id}/posts?per_page=101")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid"


def test_posts_of_a_private_thread_are_not_found_by_outsiders(network, as_role):
    response = as_role("outsider").get(f"threads/{network.thread.id}/posts")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("posts", [10, 300])
def test_reading_a_thread_takes_the_same_queries_however_long(
    app, client, network, count_queries, posts
):
    thread = make_thread(network.private_group, network.member, "Long one")
    for n in range(posts - 1):
        author = network.facilitator if n % 2 else network.member
        make_reply(thread, author, f"Reply {n}")
    api = ApiClient(client, tokens.create_token(network.member, "q").secret)
    api.get("me")  # the token's first use records last_used_at: keep that out of the count
    url = f"threads/{thread.id}"
    with count_queries() as counter:
        detail = api.get(url).get_json()
    assert detail["opening_post"]["body"] == "How do you protect PLC time?"
    # The token, the thread with its group and the caller's membership, the opening post.
    assert counter.count == 3, counter.statements
    with count_queries() as counter:
        page = api.get(f"{url}/posts?per_page=100&page=2").get_json()
    assert (len(page["items"]), page["total"]) == (min(100, max(posts - 100, 0)), posts)
    # The same two, then the page of posts with their authors, and the count.
    assert counter.count == 4, counter.statements
