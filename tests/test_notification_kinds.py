"""The practice and session kinds: tried, commented, helpful; starts soon, went live."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from nic.services import notification_feed, practices, reminders, tries
from nic.services.live import sessions as live_sessions
from nic.services.tries import TryFields
from tests.factories import (
    in_session,
    make_group,
    make_practice,
    make_school,
    make_session,
    make_user,
)
from tests.test_notifications import kinds


def summaries(user) -> list[str]:
    return [e.summary for e in notification_feed.entries_page(user, 1, 20)[0]]


def test_a_schools_try_and_a_helpful_mark_tell_every_author(app):
    writer = make_user("Wanda Writer", school=make_school("Lincoln Elementary"))
    coauthor = make_user("Cora Coauthor")
    priya = make_user("Priya Patel", school=make_school("Jefferson Middle"))
    practice = make_practice(writer, "Data huddles every other Friday", coauthors=(coauthor,))
    access = practices.get_practice_for(priya, practice.id)
    tries.record_try(access, priya, TryFields(outcome="adopted", tried_on=date.today(),
                                              observations="More students explained."))  # fmt: skip
    tries.set_helpful(practices.get_practice_for(priya, practice.id), priya, True)
    for author in (writer, coauthor):
        assert kinds(author) == [("practice_tried", 1), ("practice_helpful", 1)]
    assert summaries(writer) == [
        "Priya Patel found your practice “Data huddles every other Friday” helpful",
        "Priya Patel's school tried your practice “Data huddles every other Friday”",
    ]
    # Taking the mark back and giving it again folds into the unread entry.
    tries.set_helpful(practices.get_practice_for(priya, practice.id), priya, False)
    tries.set_helpful(practices.get_practice_for(priya, practice.id), priya, True)
    assert kinds(writer) == [("practice_tried", 1), ("practice_helpful", 2)]
    assert kinds(priya) == []


def test_a_comment_in_a_practices_discussion_tells_its_authors(app, client, login):
    writer = make_user("Wanda Writer")
    coauthor = make_user("Cora Coauthor")
    reader = make_user("Rey Reader")
    practice = make_practice(writer, "Exit tickets that teach", coauthors=(coauthor,))
    thread_id = practices.get_practice_for(writer, practice.id).item.thread_id
    assert thread_id is not None
    from nic.services import discussions

    post = discussions.reply(reader, thread_id, "We tried this with grade 4.")
    assert kinds(coauthor) == [("practice_commented", 1)]
    # The writer opened the discussion: the reply answers her opening post.
    assert kinds(writer) == [("replied", 1)]
    assert summaries(coauthor) == [
        "Rey Reader commented on your practice “Exit tickets that teach”"
    ]
    entry = notification_feed.entries_page(coauthor, 1, 5)[0][0]
    response = login(coauthor).get(f"/notifications/{entry.id}")
    assert response.headers["Location"].endswith(f"#post-{post.id}")


def test_members_hear_a_session_starts_soon_once_and_when_it_goes_live(app, client, login):
    facilitator = make_user("Fay Facilitator", job_role="facilitator")
    maria, james = make_user("Maria Lopez"), make_user("James Chen")
    outsider = make_user("Olu Outsider")
    group = make_group("Principals only", visibility="private", facilitator=facilitator,
                       members=[maria, james])  # fmt: skip
    session = make_session(facilitator, group, "Network check-in", starts_in=timedelta(minutes=10))
    later = make_session(facilitator, group, "Next month", starts_in=timedelta(days=30))
    assert reminders.remind_soon() == [session.id]
    assert reminders.remind_soon() == []  # once
    for member in (maria, james, facilitator):
        assert kinds(member) == [("session_soon", 1)]
    assert kinds(outsider) == []
    assert summaries(maria) == ["“Network check-in” starts in 15 minutes (Principals only)"]

    live_sessions.start_session(in_session(facilitator, session.id))
    assert kinds(maria) == [("session_soon", 1), ("session_live", 1)]
    assert kinds(facilitator) == [("session_soon", 1)]  # they started it
    entry = notification_feed.entries_page(maria, 1, 5)[0][0]
    assert (
        login(maria)
        .get(f"/notifications/{entry.id}")
        .headers["Location"]
        .endswith(f"/sessions/{session.id}")
    )
    assert later.id not in reminders.remind_soon()


def test_a_session_long_past_its_start_is_not_called_soon(app):
    facilitator = make_user("Fay Facilitator", job_role="facilitator")
    group = make_group("Coaches", facilitator=facilitator, members=[make_user("Maria Lopez")])
    make_session(facilitator, group, starts_in=timedelta(minutes=5))
    assert reminders.remind_soon(datetime.now(UTC) + timedelta(hours=2)) == []


def test_leaving_a_private_group_hides_its_session_news(app):
    facilitator = make_user("Fay Facilitator", job_role="facilitator")
    maria = make_user("Maria Lopez")
    group = make_group("Principals only", visibility="private", facilitator=facilitator,
                       members=[maria])  # fmt: skip
    make_session(facilitator, group, starts_in=timedelta(minutes=10))
    reminders.remind_soon()
    assert notification_feed.unread_count(maria.id) == 1
    from nic.services import groups

    groups.leave_group(maria, group.id)
    assert notification_feed.unread_count(maria.id) == 0
