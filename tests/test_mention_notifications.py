"""Mentions tell people, wherever they are written: posts (and edits), practices, live chat."""

from __future__ import annotations

from dataclasses import replace

from nic.services import discussions, notification_feed, practices
from nic.services.live import chat as live_chat
from tests.factories import (
    in_session,
    make_group,
    make_practice,
    make_reply,
    make_session,
    make_thread,
    make_user,
)
from tests.test_notifications import kinds


def test_an_edit_tells_only_the_people_it_newly_mentions(app):
    maria, james, ana = make_user("Maria Lopez"), make_user("James Chen"), make_user("Ana Ruiz")
    group = make_group("Coaches circle", members=[maria, james, ana])
    thread = make_thread(group, maria)
    post = make_reply(thread, maria, f"Thanks @{james.username}")
    assert kinds(james) == [("mentioned", 1)]
    discussions.edit_post(maria, post.id, f"Thanks @{james.username} and @{ana.username}!")
    assert kinds(james) == [("mentioned", 1)]  # not told again
    assert kinds(ana) == [("mentioned", 1)]


def test_an_edit_mentioning_an_outsider_of_a_private_group_tells_nobody(app):
    maria, outsider = make_user("Maria Lopez"), make_user("Olu Outsider")
    group = make_group("Principals only", visibility="private", members=[maria])
    post = make_reply(make_thread(group, maria), maria, "First version")
    discussions.edit_post(maria, post.id, f"Second version for @{outsider.username}")
    assert kinds(outsider) == []


def test_a_practice_tells_who_it_mentions_when_published_not_as_a_draft(app):
    writer, james, ana = make_user("Wanda Writer"), make_user("James Chen"), make_user("Ana Ruiz")
    draft = make_practice(writer, body=f"## What we did\n\nWith @{james.username}.", publish=False)
    assert kinds(james) == []  # a draft: nobody else may see it
    access = practices.get_practice_for(writer, draft.id)
    practices.publish_practice(access, writer)
    assert kinds(james) == [("mentioned", 1)]
    entry = notification_feed.entries_page(james, 1, 5)[0][0]
    assert entry.practice_id == draft.id and entry.summary == "Wanda Writer mentioned you"
    # A revision that adds Ana tells Ana only.
    access = practices.get_practice_for(writer, draft.id)
    fields = practices.current_fields(access.item)
    body = fields.body + f"\n\nAnd @{ana.username} adapted it."
    practices.update_practice(access, writer, replace(fields, body=body))
    assert kinds(james) == [("mentioned", 1)]
    assert kinds(ana) == [("mentioned", 1)]


def test_a_group_only_practice_does_not_tell_people_outside_its_group(app):
    writer, member, outsider = (
        make_user("Wanda Writer"),
        make_user("Mia Member"),
        make_user("Olu Outsider"),
    )
    group = make_group("Principals only", visibility="private", members=[writer, member])
    body = f"## What we did\n\n@{member.username} and @{outsider.username}"
    make_practice(writer, group=group, body=body)
    assert kinds(member) == [("mentioned", 1)]
    assert kinds(outsider) == []


def test_a_chat_mention_tells_members_and_opens_on_the_session(app, client, login):
    facilitator = make_user("Fay Facilitator", job_role="facilitator")
    maria, james = make_user("Maria Lopez"), make_user("James Chen")
    outsider = make_user("Olu Outsider")
    group = make_group("Principals only", visibility="private", facilitator=facilitator,
                       members=[maria, james])  # fmt: skip
    session = make_session(facilitator, group, live=True)
    before = {u.id: kinds(u) for u in (maria, james)}
    live_chat.send_message(
        in_session(maria, session.id),
        f"@{james.username} and @{outsider.username}: see the agenda",
        "m-1",
    )
    live_chat.send_message(in_session(maria, session.id), f"@{james.username} one more", "m-2")
    assert kinds(james) == [*before[james.id], ("mentioned", 2)]  # folded per session
    assert kinds(outsider) == []
    assert kinds(maria) == before[maria.id]
    entry = next(e for e in notification_feed.entries_page(james, 1, 5)[0] if e.kind == "mentioned")
    assert (
        login(james)
        .get(f"/notifications/{entry.id}")
        .headers["Location"]
        .endswith(f"/sessions/{session.id}")
    )


def test_a_chat_message_without_mentions_runs_no_notification_queries(app, count_queries):
    facilitator = make_user("Fay Facilitator", job_role="facilitator")
    maria = make_user("Maria Lopez")
    group = make_group("Coaches", facilitator=facilitator, members=[maria])
    session = make_session(facilitator, group, live=True)
    access = in_session(maria, session.id)
    with count_queries() as counter:
        live_chat.send_message(access, "Hello from Lincoln", "m-1")
    assert not any("notification" in statement for statement in counter.statements)
