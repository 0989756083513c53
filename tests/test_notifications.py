"""Notifications: who is told of what, folding, following levels, the page, the badge."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import Notification, ThreadFollow
from nic.services import discussions, following, notification_feed, notifications
from nic.services import groups as groups_service
from tests.factories import make_group, make_reply, make_thread, make_user


@pytest.fixture
def people(app):
    maria = make_user("Maria Lopez", job_role="principal")
    james = make_user("James Chen", job_role="instructional_coach")
    ana = make_user("Ana Ruiz", job_role="instructional_coach")
    outsider = make_user("Olu Outsider")
    facilitator = make_user("Fay Facilitator", job_role="facilitator")
    group = make_group("Coaches circle", facilitator=facilitator, members=[maria, james, ana])
    private = make_group(
        "Principals only", visibility="private", facilitator=facilitator, members=[maria, james]
    )
    return {
        "maria": maria, "james": james, "ana": ana, "outsider": outsider,
        "facilitator": facilitator, "group": group, "private": private,
    }  # fmt: skip


def entries(user) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def kinds(user) -> list[tuple[str, int]]:
    return [(n.kind, n.count) for n in entries(user)]


def unread(user) -> int:
    return notification_feed.unread_count(user.id)


# ── who is told ────────────────────────────────────────────────────────────


def test_a_reply_to_your_post_tells_you_and_nobody_else_by_default(people):
    thread = make_thread(people["group"], people["maria"])
    reply = make_reply(thread, people["james"], "Here is what we tried at Lincoln.")
    assert kinds(people["maria"]) == [("replied", 1)]
    assert entries(people["maria"])[0].post_id == reply.id
    assert entries(people["maria"])[0].actor_id == people["james"].id
    # Ana is in the group but follows nothing: normal hears only replies and mentions.
    assert kinds(people["ana"]) == []
    # James wrote it: nobody hears of their own post.
    assert kinds(people["james"]) == []


def test_a_reply_to_a_reply_tells_the_reply_author_and_the_watchers(people):
    thread = make_thread(people["group"], people["maria"])
    first = make_reply(thread, people["james"])
    make_reply(thread, people["ana"], "Same at our school.", parent=first)
    # James replied, so he watches; he hears it as a reply to him (the stronger reason).
    assert kinds(people["james"]) == [("replied", 1)]
    # Maria started the thread: she watches it and hears of the new post.
    assert kinds(people["maria"]) == [("replied", 1), ("watched_post", 1)]


def test_a_mention_tells_the_person_once_even_when_it_is_also_a_reply(people):
    thread = make_thread(people["group"], people["maria"])
    make_reply(
        thread,
        people["james"],
        f"@{people['maria'].username} and @{people['ana'].username}: ideas?",
    )
    assert kinds(people["maria"]) == [("mentioned", 1)]
    assert kinds(people["ana"]) == [("mentioned", 1)]


def test_mentioning_yourself_or_an_unknown_name_tells_nobody(people):
    thread = make_thread(people["group"], people["maria"])
    make_reply(
        thread, people["maria"], f"Note to self @{people['maria'].username} and @nobody.here"
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_a_mention_of_an_outsider_in_a_private_group_tells_nobody(people):
    thread = make_thread(people["private"], people["maria"])
    make_reply(thread, people["james"], f"Ask @{people['outsider'].username} about it")
    assert kinds(people["outsider"]) == []
    assert unread(people["outsider"]) == 0


def test_a_group_mention_by_its_facilitator_tells_every_member(people):
    thread = make_thread(people["group"], people["facilitator"])
    make_reply(
        thread, people["facilitator"], f"@{people['group'].slug} please read this before Thursday"
    )
    for name in ("maria", "james", "ana"):
        assert kinds(people[name]) == [("mentioned", 1)], name
    assert kinds(people["facilitator"]) == []


def test_watching_a_group_tells_of_new_threads_and_every_post(people):
    following.set_group_level(people["ana"], people["group"].id, "watching")
    thread = make_thread(people["group"], people["maria"])
    assert kinds(people["ana"]) == [("new_thread", 1)]
    make_reply(thread, people["james"])
    assert kinds(people["ana"]) == [("new_thread", 1), ("watched_post", 1)]


def test_muting_a_thread_silences_replies_mentions_and_group_watching(people):
    following.set_group_level(people["ana"], people["group"].id, "watching")
    thread = make_thread(people["group"], people["maria"])
    following.set_thread_level(people["maria"], thread.id, "muted")
    following.set_thread_level(people["ana"], thread.id, "muted")
    make_reply(thread, people["james"], f"@{people['maria'].username} what do you think?")
    assert kinds(people["maria"]) == []
    assert kinds(people["ana"]) == [("new_thread", 1)]  # from before it was muted


def test_normal_on_a_thread_stops_watching_it(people):
    thread = make_thread(people["group"], people["maria"])
    first = make_reply(thread, people["james"])
    following.set_thread_level(people["maria"], thread.id, "normal")
    assert following.thread_level(people["maria"], thread.id) == "normal"
    make_reply(thread, people["ana"], "A reply to James", parent=first)
    assert kinds(people["maria"]) == [("replied", 1)]  # only the earlier reply to her


def test_starting_or_replying_makes_you_watch_but_your_own_choice_stands(people):
    thread = make_thread(people["group"], people["maria"])
    assert following.thread_level(people["maria"], thread.id) == "watching"
    following.set_thread_level(people["james"], thread.id, "muted")
    make_reply(thread, people["james"])
    assert following.thread_level(people["james"], thread.id) == "muted"


def test_repeated_events_on_a_thread_fold_into_one_entry(people, client, login):
    thread = make_thread(people["group"], people["maria"])
    for n in range(3):
        make_reply(thread, people["james"] if n % 2 == 0 else people["ana"], f"Reply {n}")
    assert kinds(people["maria"]) == [("replied", 3)]
    assert unread(people["maria"]) == 1
    page = login(people["maria"]).get("/notifications").text
    assert "3 new replies to you" in page
    # Once read, the next reply starts a new entry.
    notification_feed.mark_read(people["maria"], everything=True)
    make_reply(thread, people["james"], "One more")
    assert kinds(people["maria"]) == [("replied", 3), ("replied", 1)]


def test_being_added_to_a_group_or_made_its_facilitator(people):
    newcomer = make_user("Nia Newcomer")
    groups_service.add_member(people["facilitator"], people["group"].id, newcomer.id, "member")
    groups_service.add_member(people["facilitator"], people["group"].id, newcomer.id, "facilitator")
    assert kinds(newcomer) == [("group_added", 1), ("made_facilitator", 1)]
    assert [e.summary for e in notification_feed.entries_page(newcomer, 1, 10)[0]] == [
        "Fay Facilitator made you a facilitator of Coaches circle",
        "Fay Facilitator added you to Coaches circle",
    ]
    # Joining by oneself, or being set up by the demo loader, tells nobody.
    groups_service.join_group(people["outsider"], people["group"].id)
    assert kinds(people["outsider"]) == []


def test_a_request_that_fails_writes_no_notifications(people, monkeypatch):
    thread = make_thread(people["group"], people["maria"])
    real = notifications.tell
    calls = []

    def fail_second(user_ids, event):
        calls.append(event.kind)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(user_ids, event)

    monkeypatch.setattr(notifications, "tell", fail_second)
    with pytest.raises(RuntimeError):
        discussions.reply(people["james"], thread.id, f"@{people['ana'].username} see this")
    db.session.rollback()
    assert len(calls) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    assert discussions.get_thread_for(people["maria"], thread.id).item.reply_count == 0


# ── nobody is shown what they may not see ──────────────────────────────────


def test_leaving_a_private_group_hides_its_notifications(people, client, login):
    thread = make_thread(people["private"], people["maria"], "Staffing for next year")
    make_reply(thread, people["james"])
    assert unread(people["maria"]) == 1
    groups_service.leave_group(people["maria"], people["private"].id)
    assert unread(people["maria"]) == 0
    page = login(people["maria"]).get("/notifications").text
    assert "Staffing for next year" not in page
    entry = entries(people["maria"])[0]
    assert client.get(f"/notifications/{entry.id}").status_code == 404


def test_hidden_threads_and_deleted_posts_leave_the_badge(people):
    thread = make_thread(people["group"], people["maria"])
    reply = make_reply(thread, people["james"])
    assert unread(people["maria"]) == 1
    discussions.delete_post(people["james"], reply.id)
    assert unread(people["maria"]) == 0
    make_reply(thread, people["ana"])
    assert unread(people["maria"]) == 1
    discussions.set_thread_flag(people["facilitator"], thread.id, "hidden", True)
    assert unread(people["maria"]) == 0
    # The facilitator still sees a hidden thread, and its entries.
    make_reply(thread, people["facilitator"], f"@{people['james'].username} a word?")
    assert unread(people["james"]) == 0
    following.set_thread_level(people["facilitator"], thread.id, "watching")
    discussions.set_thread_flag(people["facilitator"], thread.id, "hidden", False)
    assert unread(people["james"]) == 1


def test_someone_elses_notification_is_a_404_and_cannot_be_marked(people, client, login):
    thread = make_thread(people["group"], people["maria"])
    make_reply(thread, people["james"])
    entry = entries(people["maria"])[0]
    login(people["ana"])
    assert client.get(f"/notifications/{entry.id}").status_code == 404
    client.post_form("/notifications/read", data={"id": entry.id})
    assert unread(people["maria"]) == 1


# ── the page, marking read, opening ────────────────────────────────────────


def test_the_page_groups_by_thread_and_marks_one_a_thread_or_all(people, client, login):
    first = make_thread(people["group"], people["maria"], "Protecting PLC time")
    second = make_thread(people["group"], people["maria"], "Walkthrough look-fors")
    make_reply(first, people["james"])
    make_reply(first, people["ana"], f"@{people['maria'].username} we did this")
    make_reply(second, people["james"])
    login(people["maria"])
    page = client.get("/notifications").text
    titles = re.findall(r'<h2 class="notification-topic__title">\s*([^<\n]+)', page)
    assert [t.strip() for t in titles] == ["Walkthrough look-fors", "Protecting PLC time"]
    assert "Ana Ruiz mentioned you" in page and "James Chen replied to your post" in page
    assert "data-unread-number>3<" in page  # the header count

    one = next(e for e in entries(people["maria"]) if e.kind == "mentioned")
    response = client.post_form("/notifications/read", data={"id": one.id})
    assert response.status_code == 302 and unread(people["maria"]) == 2
    client.post_form("/notifications/read", data={"thread_id": first.id})
    assert unread(people["maria"]) == 1
    client.post_form("/notifications/read", data={"all": "1"})
    assert unread(people["maria"]) == 0
    assert "Nothing new" in client.get("/notifications?unread=1").text
    assert "Walkthrough look-fors" in client.get("/notifications").text  # read ones stay


def test_marking_with_nothing_chosen_says_so(people, client, login):
    login(people["maria"])
    response = client.post_form("/notifications/read", data={}, follow_redirects=True)
    assert response.status_code == 200
    assert "Give ids, a thread_id, or all" in response.text


def test_opening_an_entry_lands_on_the_post_and_reads_it(people, client, login):
    thread = make_thread(people["group"], people["maria"])
    reply = make_reply(thread, people["james"])
    entry = entries(people["maria"])[0]
    login(people["maria"])
    response = client.get(f"/notifications/{entry.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/threads/{thread.id}#post-{reply.id}")
    assert unread(people["maria"]) == 0


def test_reading_the_thread_reads_its_notifications(people, client, login):
    thread = make_thread(people["group"], people["maria"])
    make_reply(thread, people["james"])
    other = make_thread(people["group"], people["maria"], "Another")
    make_reply(other, people["james"])
    login(people["maria"]).get(f"/threads/{thread.id}")
    assert unread(people["maria"]) == 1


def test_the_page_is_paginated_and_runs_constant_queries(people, client, login, count_queries):
    login(people["maria"])
    counts = []
    for n_threads in (2, 30):
        while len(entries(people["maria"])) < n_threads:
            thread = make_thread(
                people["group"], people["maria"], f"Thread {len(entries(people['maria']))}"
            )
            make_reply(thread, people["james"])
            make_reply(thread, people["ana"])
        with count_queries() as counter:
            response = client.get("/notifications")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 6, counts
    page = response.text
    topic = re.compile(r'<li class="notification-topic[ "]')
    assert len(topic.findall(page)) == notification_feed.TOPICS_PER_PAGE
    assert 'aria-label="Pages of notifications"' in page
    second = client.get("/notifications?page=2").text
    assert len(topic.findall(second)) == 30 - notification_feed.TOPICS_PER_PAGE


def test_every_page_with_the_badge_adds_one_query(people, client, login, count_queries):
    thread = make_thread(people["group"], people["maria"])
    login(people["maria"])
    counts = []
    for n in range(2):
        if n:
            for k in range(20):
                make_reply(thread, people["james"], f"Reply {k}")
        with count_queries() as counter:
            assert client.get("/").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_writing_a_post_for_500_watchers_is_a_bounded_number_of_statements(people, count_queries):
    """A reply to a thread 5 people watch and one 500 watch: the same statements (bulk)."""
    watchers = [make_user(f"Watcher {n}") for n in range(500)]
    counts = []
    for audience in (watchers[:5], watchers):
        thread = make_thread(people["group"], people["maria"])
        db.session.execute(
            sa.insert(ThreadFollow),
            [{"user_id": w.id, "thread_id": thread.id, "level": "watching"} for w in audience],
        )
        db.session.commit()
        with count_queries() as counter:
            make_reply(thread, people["james"])
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert notification_feed.unread_counts([w.id for w in watchers[-3:]]) == {
        w.id: 1 for w in watchers[-3:]
    }


# ── following ──────────────────────────────────────────────────────────────


def test_follow_controls_on_thread_and_group_pages(people, client, login):
    thread = make_thread(people["group"], people["maria"])
    login(people["james"])
    page = client.get(f"/threads/{thread.id}").text
    assert 'name="level"' in page and "Notifications for this thread" in page
    response = client.post_form(f"/threads/{thread.id}/follow", data={"level": "watching"})
    assert response.status_code == 302
    assert following.thread_level(people["james"], thread.id) == "watching"
    assert '<option value="watching" selected>' in client.get(f"/threads/{thread.id}").text
    client.post_form(f"/groups/{people['group'].id}/follow", data={"level": "muted"})
    assert following.group_level(people["james"], people["group"].id) == "muted"
    listed = client.get("/settings/following").text
    assert "A problem of practice" in listed and "Coaches circle" in listed


def test_a_bad_level_is_refused_with_a_message(people, client, login):
    thread = make_thread(people["group"], people["maria"])
    login(people["james"])
    response = client.post_form(
        f"/threads/{thread.id}/follow", data={"level": "loud"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert following.thread_level(people["james"], thread.id) == "normal"
    assert "Choose Watching, Normal or Muted." in response.text


def test_outsiders_cannot_follow_a_private_thread_or_group(people, client, login):
    thread = make_thread(people["private"], people["maria"])
    login(people["outsider"])
    assert (
        client.post_form(f"/threads/{thread.id}/follow", data={"level": "watching"}).status_code
        == 404
    )
    assert (
        client.post_form(
            f"/groups/{people['private'].id}/follow", data={"level": "watching"}
        ).status_code
        == 404
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ThreadFollow).where(
        ThreadFollow.user_id == people["outsider"].id)) == 0  # fmt: skip
