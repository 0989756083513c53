"""Session pages: schedule and edit forms, the session page before and during
a session, the calendar file, and the group and home page listings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from nic.extensions import db
from nic.models import LiveSession, LiveSessionThread, Post
from nic.services import discussions
from nic.services.live import attendance as live_attendance
from nic.services.live import facilitation as live_facilitation
from nic.services.live import sessions as live_sessions
from tests.factories import in_session, make_group, make_thread, make_user


@pytest.fixture
def people(app):
    facilitator = make_user("Fran Facilitator", job_role="facilitator")
    member = make_user("Mia Member")
    outsider = make_user("Otto Outsider")
    group = make_group("Coaches", visibility="private", facilitator=facilitator, members=[member])
    return facilitator, member, outsider, group


def schedule(group, facilitator, title="Protecting PLC time", **kwargs) -> LiveSession:
    starts = kwargs.pop("starts_at", datetime(2031, 3, 4, 20, 0, tzinfo=UTC))
    return live_sessions.schedule_session(
        facilitator,
        group.id,
        live_sessions.SessionFields(
            title=title,
            agenda=kwargs.pop("agenda", "1. Check-in\n2. Data dive"),
            starts_at=starts,
            ends_at=kwargs.pop("ends_at", starts + timedelta(hours=1)),
            **kwargs,
        ),
    )


def form_data(**overrides) -> dict:
    data = {
        "title": "Coaching cycles that stick",
        "agenda": "- Check-in\n- **Data** dive",
        "starts_at": "2031-03-04T15:00",
        "ends_at": "2031-03-04T16:30",
    }
    data.update(overrides)
    return data


def test_facilitator_schedules_in_their_time_zone(people, login):
    facilitator, _member, _outsider, group = people
    client = login(facilitator)  # time zone America/New_York (UTC-5 in March)
    page = client.get(f"/groups/{group.id}/sessions/new")
    assert page.status_code == 200
    assert 'type="datetime-local"' in page.text
    response = client.post_form(f"/groups/{group.id}/sessions/new", form_data())
    assert response.status_code == 302
    session = db.session.scalars(db.select(LiveSession)).one()
    assert response.headers["Location"].endswith(f"/sessions/{session.id}")
    assert session.title == "Coaching cycles that stick"
    assert "<strong>Data</strong>" in session.agenda_html
    assert session.starts_at.replace(tzinfo=UTC) == datetime(2031, 3, 4, 20, 0, tzinfo=UTC)
    assert session.ends_at.replace(tzinfo=UTC) == datetime(2031, 3, 4, 21, 30, tzinfo=UTC)


def test_times_are_shown_in_each_viewers_zone(people, login):
    facilitator, member, _outsider, group = people
    session = schedule(group, facilitator)  # 20:00 UTC
    member.time_zone = "America/Los_Angeles"
    db.session.commit()
    page = login(member).get(f"/sessions/{session.id}").text
    assert "12:00 PM" in page and "1:00 PM" in page and "America/Los_Angeles" in page
    assert 'datetime="2031-03-04T20:00:00Z"' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Give the session a title."),
        ({"title": "x" * 201}, "title", "This is 201 characters; the limit is 200."),
        ({"starts_at": ""}, "starts_at", "Choose when the session starts."),
        ({"starts_at": "next tuesday"}, "starts_at", "Choose when the session starts."),
        ({"ends_at": "2031-03-04T14:00"}, "ends_at", "The session must end after it starts."),
        # 2:30 AM on the spring-forward night never happens in New York.
        ({"starts_at": "2031-03-09T02:30"}, "starts_at", "does not exist in your time zone"),
        ({"thread_ids": "999"}, "thread_ids", "Choose one of the options listed."),
    ],
)
def test_bad_input_is_shown_again_with_errors(people, login, overrides, field, message):
    facilitator, _member, _outsider, group = people
    make_thread(group, facilitator, "Background reading")  # a thread to link: checkboxes
    data = form_data(agenda="My *own* words", **overrides)
    response = login(facilitator).post_form(f"/groups/{group.id}/sessions/new", data)
    assert response.status_code == 400
    assert message in response.text
    assert f'id="{field}"' in response.text and 'aria-invalid="true"' in response.text
    assert "My *own* words" in response.text  # the user's text is kept
    assert db.session.scalar(db.select(db.func.count(LiveSession.id))) == 0


def test_linked_threads_are_offered_saved_and_shown(people, login):
    facilitator, member, _outsider, group = people
    thread = make_thread(group, member, title="Walkthrough notes")
    other_group = make_group(facilitator=facilitator)
    foreign = make_thread(other_group, facilitator, title="Not this one")
    client = login(facilitator)
    page = client.get(f"/groups/{group.id}/sessions/new").text
    assert "Walkthrough notes" in page and "Not this one" not in page
    client.post_form(f"/groups/{group.id}/sessions/new", form_data(thread_ids=[str(thread.id)]))
    session = db.session.scalars(db.select(LiveSession)).one()
    assert db.session.scalars(db.select(LiveSessionThread.thread_id)).all() == [thread.id]
    page = client.get(f"/sessions/{session.id}").text
    assert f'href="/threads/{thread.id}"' in page
    # A thread whose every post is deleted is gone: neither listed nor offered.
    opening = db.session.scalars(db.select(Post.id).where(Post.thread_id == thread.id)).one()
    discussions.delete_post(member, opening)
    assert f'href="/threads/{thread.id}"' not in client.get(f"/sessions/{session.id}").text
    assert "Walkthrough notes" not in client.get(f"/sessions/{session.id}/edit").text
    # The service, not only the form, refuses another group's thread.
    with pytest.raises(live_sessions.ValidationError):
        live_sessions.update_session(
            in_session(facilitator, session.id),
            live_sessions.SessionFields(
                "T", "", session.starts_at, session.ends_at, thread_ids=(foreign.id,)
            ),
        )


def test_edit_shows_local_times_and_saves(people, login):
    facilitator, _member, _outsider, group = people
    session = schedule(group, facilitator)
    client = login(facilitator)
    page = client.get(f"/sessions/{session.id}/edit").text
    assert 'value="2031-03-04T15:00"' in page  # 20:00 UTC in New York
    response = client.post_form(
        f"/sessions/{session.id}/edit", form_data(title="Renamed", starts_at="2031-03-04T15:30")
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.title == "Renamed"
    assert session.starts_at.replace(tzinfo=UTC) == datetime(2031, 3, 4, 20, 30, tzinfo=UTC)


def test_members_cannot_schedule_or_edit(people, login):
    facilitator, member, _outsider, group = people
    session = schedule(group, facilitator)
    client = login(member)
    assert client.get(f"/groups/{group.id}/sessions/new").status_code == 403
    assert client.post_form(f"/groups/{group.id}/sessions/new", form_data()).status_code == 403
    assert client.get(f"/sessions/{session.id}/edit").status_code == 403
    assert client.post_form(f"/sessions/{session.id}/start").status_code == 403
    page = client.get(f"/sessions/{session.id}").text
    assert "Start session" not in page and "Edit session" not in page
    assert 'data-facilitator="false"' in page


SESSION_URLS = [
    "/sessions/{id}",
    "/sessions/{id}.ics",
    "/sessions/{id}/transcript.md",
    "/sessions/{id}/edit",
]


@pytest.mark.parametrize("url", SESSION_URLS)
def test_outsiders_get_404_on_a_private_groups_sessions(people, login, url):
    facilitator, _member, outsider, group = people
    session = schedule(group, facilitator)
    client = login(outsider)
    assert client.get(url.format(id=session.id)).status_code == 404


@pytest.mark.parametrize("url", ["/sessions/{id}/notes", "/sessions/{id}/start"])
def test_outsiders_get_404_on_posts_too(people, login, url):
    facilitator, _member, outsider, group = people
    session = schedule(group, facilitator)
    assert login(outsider).post_form(url.format(id=session.id)).status_code == 404
    assert login(outsider).get(f"/groups/{group.id}/sessions/new").status_code == 404


@pytest.mark.parametrize("url", [*SESSION_URLS, "/groups/{group}/sessions/new"])
def test_anonymous_users_are_sent_to_sign_in(people, client, url):
    facilitator, _member, _outsider, group = people
    session = schedule(group, facilitator)
    response = client.get(url.format(id=session.id, group=group.id))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_scheduled_page_has_agenda_calendar_and_room(people, login):
    facilitator, member, _outsider, group = people
    session = schedule(group, facilitator)
    page = login(member).get(f"/sessions/{session.id}").text
    assert "Check-in" in page and "Data dive" in page
    assert "Add to calendar (.ics)" in page
    assert "has not started yet" in page
    assert f'data-session-id="{session.id}"' in page
    assert f'data-user-id="{member.id}"' in page
    assert 'role="log"' in page and 'aria-live="polite"' in page and 'role="alert"' in page
    assert "vendor/socket.io.min.js" in page and "js/live/main.js" in page
    # Strict CSP: no inline script or style on the page.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert " style=" not in page and " onclick=" not in page


def test_facilitator_sees_the_controls(people, login):
    facilitator, _member, _outsider, group = people
    session = schedule(group, facilitator)
    client = login(facilitator)
    page = client.get(f"/sessions/{session.id}").text
    assert "Start session" in page and "Edit session" in page
    assert 'data-facilitator="true"' in page and "Lock chat" in page


def test_start_and_end_without_javascript(people, login):
    facilitator, _member, _outsider, group = people
    session = schedule(group, facilitator)
    client = login(facilitator)
    response = client.post_form(f"/sessions/{session.id}/start", follow_redirects=True)
    assert "The session is live." in response.text
    assert 'data-status="live"' in response.text
    again = client.post_form(f"/sessions/{session.id}/start")
    assert again.status_code == 409
    assert "Only a scheduled session can be started." in again.text
    response = client.post_form(f"/sessions/{session.id}/end", follow_redirects=True)
    assert "This page is now its record" in response.text
    assert "Download transcript (.md)" in response.text
    assert "js/live/main.js" not in response.text
    edit = client.post_form(f"/sessions/{session.id}/edit", form_data())
    assert edit.status_code == 409  # the record does not change


def test_ics_file(people, login):
    facilitator, member, _outsider, group = people
    session = schedule(group, facilitator, title="Data, PDSA; and more", agenda="Line one\nTwo")
    response = login(member).get(f"/sessions/{session.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert f"UID:session-{session.id}@nic\r\n" in text
    assert "DTSTART:20310304T200000Z\r\n" in text and "DTEND:20310304T210000Z\r\n" in text
    assert re.search(r"DTSTAMP:\d{8}T\d{6}Z\r\n", text)
    assert "SUMMARY:Data\\, PDSA\\; and more\r\n" in text
    assert "DESCRIPTION:Line one\\nTwo\\n\\nhttp://localhost/sessions/" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_group_and_home_pages_list_upcoming_and_live_sessions(people, login, count_queries):
    facilitator, member, _outsider, group = people
    later = schedule(group, facilitator, title="Later session")
    live = schedule(
        group, facilitator, title="Happening now", starts_at=datetime(2031, 5, 1, tzinfo=UTC)
    )
    live_sessions.start_session(in_session(facilitator, live.id))
    done = schedule(group, facilitator, title="Already over")
    live_sessions.start_session(in_session(facilitator, done.id))
    live_sessions.end_session(in_session(facilitator, done.id))
    client = login(member)
    for url in (f"/groups/{group.id}", "/"):
        page = client.get(url).text
        assert "Upcoming and live sessions" in page
        assert page.index("Happening now") < page.index("Later session")  # live first
        assert "Live now" in page and "Already over" not in page
        assert f"/sessions/{later.id}.ics" in page
    home = client.get("/").text
    assert f'href="/groups/{group.id}">Coaches</a>' in home
    # One query lists sessions however many there are.
    with count_queries() as few:
        client.get(f"/groups/{group.id}")
    for i in range(5):
        schedule(group, facilitator, title=f"Extra {i}")
    with count_queries() as many:
        client.get(f"/groups/{group.id}")
    assert many.count == few.count


def test_session_page_query_count_is_constant(people, login, count_queries):
    facilitator, member, _outsider, group = people
    session = schedule(group, facilitator)
    client = login(member)
    with count_queries() as before:
        client.get(f"/sessions/{session.id}")
    for i in range(5):
        thread = make_thread(group, member, f"T{i}")
        db.session.add(LiveSessionThread(session_id=session.id, thread_id=thread.id))
    db.session.commit()
    with count_queries() as after:
        assert client.get(f"/sessions/{session.id}").status_code == 200
    assert after.count == before.count


def _composer(page: str) -> tuple[bool, str]:
    """(is the message box disabled, the note saying why) as the server rendered them."""
    box = re.search(r'<textarea id="live-message"[^>]*>', page).group(0)
    note = re.search(r'<p class="live-blocked" id="live-message-blocked"[^>]*>([^<]*)</p>', page)
    return " disabled" in box, note.group(1)


def test_the_room_says_before_anyone_types_why_they_cannot_write(people, login):
    facilitator, member, _outsider, group = people
    session = schedule(group, facilitator)
    url = f"/sessions/{session.id}"
    assert _composer(login(member).get(url).text) == (
        True, "The chat opens when the facilitator starts the session."
    )  # fmt: skip
    live_sessions.start_session(in_session(facilitator, session.id))
    assert _composer(login(member).get(url).text) == (False, "")
    page = login(member).get(url).text
    assert "This session is live: the chat is open." in page
    assert "Add to calendar (.ics)</a>" in page and "data-live-calendar hidden" in page

    live_facilitation.set_locked(in_session(facilitator, session.id), True)
    disabled, note = _composer(login(member).get(url).text)
    assert disabled and note.startswith("The facilitator has locked the chat")
    assert _composer(login(facilitator).get(url).text) == (False, "")  # never locked out

    live_facilitation.set_locked(in_session(facilitator, session.id), False)
    live_attendance.attend(in_session(member, session.id))
    live_facilitation.set_muted(in_session(facilitator, session.id), member.id, True)
    disabled, note = _composer(login(member).get(url).text)
    assert disabled and note.startswith("A facilitator has muted you")
