"""The record of an ended session: the page, the markdown transcript, the
"Session notes" thread and the calendar file's text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nic.errors import Conflict, PermissionDenied
from nic.extensions import db
from nic.models import LiveSession, Participant, Post, Thread, utcnow
from nic.services import calendar
from nic.services.live import attendance as live_attendance
from nic.services.live import chat as live_chat
from nic.services.live import questions as live_questions
from nic.services.live import record as live_record
from nic.services.live import sessions as live_sessions
from nic.services.validation import BODY_MAX
from tests.factories import in_session, make_group, make_school, make_user


@pytest.fixture
def people(app):
    school = make_school("Lincoln Elementary")
    facilitator = make_user("Fran Facilitator", job_role="facilitator")
    member = make_user("Mia Member", job_role="instructional_coach", school=school)
    other = make_user("Omar Other", job_role="assistant_principal")
    group = make_group("Coaches", visibility="private", facilitator=facilitator,
                       members=[member, other])  # fmt: skip
    return facilitator, member, other, group


def live_session(group, facilitator, title="Protecting PLC time") -> LiveSession:
    starts = datetime(2031, 3, 4, 20, 0, tzinfo=UTC)
    session = live_sessions.schedule_session(
        facilitator,
        group.id,
        live_sessions.SessionFields(
            title, "- Check-in\n- Data dive", starts, starts + timedelta(hours=1)
        ),
    )
    live_sessions.start_session(in_session(facilitator, session.id))
    return session


def chat(session, user, count: int) -> list[dict]:
    live_attendance.attend(in_session(user, session.id))
    return [
        live_chat.send_message(
            in_session(user, session.id), f"Message {i} from {user.name}", f"m-{user.id}-{i}"
        )
        for i in range(count)
    ]


@pytest.fixture
def ended(people):
    """A session with chat both ways, a reply, a reaction, a deleted message,
    a question (upvoted, answered), a poll and a raised hand; then ended."""
    facilitator, member, other, group = people
    session = live_session(group, facilitator)
    for user in (facilitator, member, other):
        live_attendance.attend(in_session(user, session.id))
    hello = live_chat.send_message(
        in_session(facilitator, session.id), "Welcome, **everyone**", "f1"
    )
    live_chat.send_message(
        in_session(member, session.id), "Glad to be here", "m1", reply_to_id=hello["id"]
    )
    oops = live_chat.send_message(in_session(other, session.id), "Wrong room, sorry", "o1")
    live_chat.delete_message(in_session(facilitator, session.id), oops["id"])
    live_chat.toggle_reaction(in_session(other, session.id), hello["id"], "👍")
    question = live_questions.ask(in_session(member, session.id), "How do we protect PLC time?")
    live_questions.upvote(in_session(other, session.id), question["id"])
    live_questions.answer(in_session(facilitator, session.id), question["id"])
    poll = live_questions.open_poll(in_session(facilitator, session.id), "Best day for PLCs?",
                                    ["Tuesday", "Thursday"])  # fmt: skip
    live_questions.vote(in_session(member, session.id), poll["id"], 1)
    live_questions.vote(in_session(other, session.id), poll["id"], 1)
    participant = db.session.get(Participant, (session.id, member.id))
    participant.hand_raised_at = participant.called_on_at = utcnow()
    db.session.commit()
    live_sessions.end_session(in_session(facilitator, session.id))
    return session


def test_the_record_page_shows_what_happened(people, ended, login):
    facilitator, _member, other, _group = people
    page = login(other).get(f"/sessions/{ended.id}").text
    assert "Welcome, <strong>everyone</strong>" in page
    assert "Mia Member" in page and "Instructional coach" in page and "Lincoln Elementary" in page
    assert "Glad to be here" in page and "chat__quote" in page  # the reply quotes its parent
    assert "Wrong room" not in page  # deleted by the facilitator
    assert "👍 1" in page
    assert "How do we protect PLC time?" in page and "1 vote" in page and "Answered" in page
    assert "Best day for PLCs?" in page and "2 of 2" in page and "0 of 2" in page
    assert "Attendance (3)" in page and "Called on at" in page
    assert "Download transcript (.md)" in page
    assert "Post session notes" not in page  # facilitators only
    assert "js/live/main.js" not in page  # no live room any more
    assert "Post session notes to the group" in login(facilitator).get(f"/sessions/{ended.id}").text


def test_the_transcript_downloads_as_markdown(people, ended, login):
    _facilitator, member, _other, _group = people
    member.time_zone = "America/Chicago"
    db.session.commit()
    response = login(member).get(f"/sessions/{ended.id}/transcript.md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert (
        f'filename="session-{ended.id}-protecting-plc-time.md"'
        in response.headers["Content-Disposition"]
    )
    text = response.get_data(as_text=True)
    assert text.startswith("# Protecting PLC time\n")
    assert ", Central Time (US & Canada)\n" in text  # the zone by name, not its id
    assert "**Fran Facilitator (Facilitator)**" in text
    assert "**Mia Member (Instructional coach, Lincoln Elementary)**" in text
    assert "> Fran Facilitator: Welcome, **everyone**" in text
    assert "Wrong room" not in text
    assert "Reactions: 👍 1" in text
    assert "- How do we protect PLC time? (1 vote, answered; asked by Mia Member)" in text
    assert "- Thursday: 2" in text and "- Tuesday: 0" in text
    assert "## Attendance (3)" in text


def test_names_cannot_inject_markdown(people, login):
    facilitator, member, _other, group = people
    member.name = "Evil [link](javascript:alert(1)) *star*"
    db.session.commit()
    session = live_session(group, facilitator)
    chat(session, member, 1)
    _name, text = live_record.transcript_markdown(member, session.id, "UTC")
    assert "Evil \\[link\\]\\(javascript:alert\\(1\\)\\) \\*star\\*" in text


def test_post_the_record_as_a_thread_once(people, ended, login):
    facilitator, member, _other, group = people
    client = login(facilitator)
    response = client.post_form(f"/sessions/{ended.id}/notes")
    assert response.status_code == 302
    thread = db.session.scalars(db.select(Thread)).one()
    assert response.headers["Location"].endswith(f"/threads/{thread.id}")
    assert thread.group_id == group.id and thread.author_id == facilitator.id
    assert thread.title == "Session notes: Protecting PLC time"
    body = db.session.scalars(db.select(Post.body)).one()
    assert "## Transcript" in body and "Glad to be here" in body and "## Attendance (3)" in body
    assert f"http://localhost/sessions/{ended.id}" in body
    db.session.refresh(ended)
    assert ended.notes_thread_id == thread.id
    again = client.post_form(f"/sessions/{ended.id}/notes")
    assert again.status_code == 409 and "already posted" in again.text
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 1
    page = login(member).get(f"/sessions/{ended.id}").text
    assert "Read the session notes" in page


def test_only_facilitators_post_notes_and_only_after_the_end(people, login):
    facilitator, member, _other, group = people
    session = live_session(group, facilitator)
    with pytest.raises(Conflict):
        live_record.post_record_as_thread(facilitator, session.id, "UTC")
    live_sessions.end_session(in_session(facilitator, session.id))
    with pytest.raises(PermissionDenied):
        live_record.post_record_as_thread(member, session.id, "UTC")
    assert login(member).post_form(f"/sessions/{session.id}/notes").status_code == 403
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0


def test_a_long_transcript_is_left_out_of_the_post(people, login):
    facilitator, member, _other, group = people
    session = live_session(group, facilitator)
    live_attendance.attend(in_session(member, session.id))
    for i in range(15):
        live_chat.send_message(in_session(member, session.id), f"{i} " + "x" * 3_990, f"long-{i}")
    live_sessions.end_session(in_session(facilitator, session.id))
    thread = live_record.post_record_as_thread(facilitator, session.id, "UTC", "http://x/s")
    body = db.session.scalars(db.select(Post.body).where(Post.thread_id == thread.id)).one()
    assert len(body) <= BODY_MAX
    assert "too long for a post" in body and "http://x/s" in body


@pytest.mark.parametrize("size", [10, 300])
def test_record_page_and_transcript_run_constant_queries(people, login, count_queries, size):
    facilitator, member, other, group = people
    session = live_session(group, facilitator)
    messages = chat(session, member, size // 2) + chat(session, other, size - size // 2)
    for message in messages[::3]:
        live_chat.toggle_reaction(in_session(facilitator, session.id), message["id"], "💡")
    for i in range(size // 10):
        live_questions.ask(in_session(member, session.id), f"Question {i}")
        poll = live_questions.open_poll(
            in_session(facilitator, session.id), f"Poll {i}", ["Yes", "No"]
        )
        live_questions.vote(in_session(member, session.id), poll["id"], i % 2)
    live_sessions.end_session(in_session(facilitator, session.id))
    client = login(member)
    url = f"/sessions/{session.id}"
    with count_queries() as page:
        response = client.get(url)
    assert response.status_code == 200 and f"Message {size // 2 - 1} from Mia" in response.text
    with count_queries() as transcript:
        assert client.get(f"{url}/transcript.md").status_code == 200
    # The same numbers for 10 and 300 messages (checked against both runs).
    assert (page.count, transcript.count) == EXPECTED_QUERIES


# Page: user, session with its group and the membership, attendance, messages, reactions,
# questions, polls, poll votes, linked threads, the header's unread count. The transcript: the same
# without linked threads (and without the header).
EXPECTED_QUERIES = (10, 8)


def test_ics_text_escapes_and_folds():
    session = LiveSession(
        id=7,
        title="Équipe; réunion, \\ «PLC» " + "é" * 60,
        agenda="Line 1\r\nLine 2",
        starts_at=datetime(2031, 1, 2, 3, 4, tzinfo=UTC),
        ends_at=datetime(2031, 1, 2, 4, 4, tzinfo=UTC),
    )
    text = calendar.session_ics(session, "", now=datetime(2030, 1, 1, tzinfo=UTC))
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "DTSTAMP:20300101T000000Z" in lines
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Équipe\\; réunion\\, \\\\ «PLC» " + "é" * 60 + "\r\n" in unfolded
    assert "DESCRIPTION:Line 1\\nLine 2\r\n" in unfolded
    assert "URL:" not in text
    assert "\n" not in text.replace("\r\n", "")
