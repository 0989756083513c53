"""Live sessions through the API: schedule, read, change, start, end, transcript, record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nic.services.live import attendance as live_attendance
from nic.services.live import chat as live_chat
from nic.services.live import questions as live_questions
from nic.services.live import sessions as live_sessions
from tests.api.conftest import error_code
from tests.factories import in_session, make_group, make_thread

STARTS = datetime(2031, 3, 4, 20, 0, tzinfo=UTC)
BODY = {
    "title": "Protecting PLC time",
    "agenda": "- Check-in\n- **Data** dive",
    "starts_at": "2031-03-04T15:00:00-05:00",
    "ends_at": "2031-03-04T21:00:00Z",
}


def schedule(network, group=None, title="Walkthrough debrief"):
    group = group or network.private_group
    return live_sessions.schedule_session(
        network.facilitator,
        group.id,
        live_sessions.SessionFields(title, "", STARTS, STARTS + timedelta(hours=1)),
    )


def test_a_facilitator_schedules_a_session(network, as_role):
    body = {**BODY, "thread_ids": [network.thread.id]}
    response = as_role("facilitator").post(f"groups/{network.private_group.id}/sessions", body)
    assert response.status_code == 201
    session = response.get_json()
    assert session["title"] == "Protecting PLC time"
    assert (
        session["agenda_html"]
        == "<ul>\n<li>Check-in</li>\n<li><strong>Data</strong> dive</li>\n</ul>"
    )
    assert (session["starts_at"], session["ends_at"]) == (
        "2031-03-04T20:00:00Z",
        "2031-03-04T21:00:00Z",
    )
    assert session["status"] == "scheduled" and session["locked"] is False
    assert session["pinned"] == {"message_id": None, "text": None}
    assert session["thread_ids"] == [network.thread.id]
    assert as_role("member").get(f"sessions/{session['id']}").get_json() == session


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("outsider", 404), ("member", 403), ("admin", 201)]
)
def test_who_may_schedule(network, as_role, role, status):
    response = as_role(role).post(f"groups/{network.private_group.id}/sessions", BODY)
    assert response.status_code == status


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": 12}, "title"),
        ({"starts_at": "2031-03-04T15:00:00"}, "starts_at"),  # no time zone
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"ends_at": "2031-03-04T19:00:00Z"}, "ends_at"),  # before the start
        ({"thread_ids": ["1"]}, "thread_ids.0"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_input_is_400_naming_the_field(network, as_role, changes, field):
    response = as_role("facilitator").post(
        f"groups/{network.private_group.id}/sessions", {**BODY, **changes}
    )
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert field in response.get_json()["error"]["fields"]


def test_only_the_groups_threads_can_be_linked(network, as_role):
    body = {**BODY, "thread_ids": [network.open_thread.id]}
    response = as_role("facilitator").post(f"groups/{network.private_group.id}/sessions", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {
        "thread_ids": "Link only threads of this group."
    }


def test_listing_a_groups_sessions(network, as_role, count_queries):
    for n in range(3):
        schedule(network, title=f"Session {n}")
    client = as_role("member")
    body = client.get(f"groups/{network.private_group.id}/sessions?per_page=2").get_json()
    assert (body["page"], body["per_page"], body["total"], len(body["items"])) == (1, 2, 3, 2)
    assert as_role("outsider").get(f"groups/{network.private_group.id}/sessions").status_code == 404
    open_list = as_role("outsider").get(f"groups/{network.open_group.id}/sessions")
    assert open_list.get_json()["items"] == []
    url = f"groups/{network.private_group.id}/sessions"
    with count_queries() as few:
        client.get(url)
    for n in range(5):
        schedule(network, title=f"More {n}")
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


def test_patch_changes_only_what_is_sent(network, as_role):
    session = schedule(network)
    client = as_role("facilitator")
    response = client.patch(f"sessions/{session.id}", {"title": "Renamed"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["starts_at"]) == ("Renamed", "2031-03-04T20:00:00Z")
    thread = make_thread(network.private_group, network.member, "Notes")
    body = client.patch(f"sessions/{session.id}", {"thread_ids": [thread.id]}).get_json()
    assert body["thread_ids"] == [thread.id] and body["title"] == "Renamed"
    late = client.patch(f"sessions/{session.id}", {"ends_at": "2031-03-04T19:00:00Z"})
    assert late.status_code == 400 and "ends_at" in late.get_json()["error"]["fields"]
    assert as_role("member").patch(f"sessions/{session.id}", {"title": "X"}).status_code == 403
    assert as_role("outsider").patch(f"sessions/{session.id}", {"title": "X"}).status_code == 404


def test_start_and_end(network, as_role):
    session = schedule(network)
    client = as_role("facilitator")
    assert as_role("member").post(f"sessions/{session.id}/start").status_code == 403
    started = client.post(f"sessions/{session.id}/start")
    assert started.status_code == 200
    assert started.get_json()["status"] == "live" and started.get_json()["started_at"]
    again = client.post(f"sessions/{session.id}/start")
    assert (again.status_code, error_code(again)) == (409, "conflict")
    ended = client.post(f"sessions/{session.id}/end").get_json()
    assert ended["status"] == "ended" and ended["ended_at"]
    assert client.post(f"sessions/{session.id}/end").status_code == 409
    frozen = client.patch(f"sessions/{session.id}", {"title": "Too late"})
    assert (frozen.status_code, error_code(frozen)) == (409, "conflict")


@pytest.fixture
def chatted(network):
    """A live session with five messages (one deleted), a question, a poll."""
    session = schedule(network)
    live_sessions.start_session(in_session(network.facilitator, session.id))
    live_attendance.attend(in_session(network.member, session.id))
    sent = [
        live_chat.send_message(in_session(network.member, session.id), f"Message {n}", f"c{n}")
        for n in range(5)
    ]
    live_chat.delete_message(in_session(network.facilitator, session.id), sent[2]["id"])
    question = live_questions.ask(
        in_session(network.member, session.id), "How do we protect PLC time?"
    )
    live_questions.answer(in_session(network.facilitator, session.id), question["id"])
    poll = live_questions.open_poll(
        in_session(network.facilitator, session.id), "Best day?", ["Tue", "Thu"]
    )
    live_questions.vote(in_session(network.member, session.id), poll["id"], 1)
    live_sessions.end_session(in_session(network.facilitator, session.id))
    return session, sent


def test_the_transcript_is_paged_and_can_resume_after_an_id(network, as_role, chatted):
    session, sent = chatted
    client = as_role("member")
    first = client.get(f"sessions/{session.id}/messages?per_page=2").get_json()
    assert [m["body"] for m in first["items"]] == ["Message 0", "Message 1"]
    assert (first["total"], first["page"]) == (4, 1)
    second = client.get(f"sessions/{session.id}/messages?per_page=2&page=2").get_json()
    assert [m["body"] for m in second["items"]] == ["Message 3", "Message 4"]
    message = second["items"][0]
    assert message["author"]["name"] == "Maria Lopez"
    assert message["author"]["school"]["name"] == "Lincoln Elementary"
    assert "client_msg_id" not in message
    resumed = client.get(f"sessions/{session.id}/messages?after_id={sent[1]['id']}").get_json()
    assert [m["body"] for m in resumed["items"]] == ["Message 3", "Message 4"]
    assert resumed["total"] == 2
    past = client.get(f"sessions/{session.id}/messages?page=9").get_json()
    assert (past["items"], past["total"]) == ([], 4)
    assert client.get(f"sessions/{session.id}/messages?after_id=x").status_code == 400
    assert client.get(f"sessions/{session.id}/messages?afterid=1").status_code == 400
    assert as_role("outsider").get(f"sessions/{session.id}/messages").status_code == 404


def test_the_record(network, as_role, chatted):
    session, _sent = chatted
    body = as_role("member").get(f"sessions/{session.id}/record").get_json()
    assert body["session"]["status"] == "ended"
    assert body["message_count"] == 4
    [question] = body["questions"]
    assert (question["body"], question["answered"], question["votes"]) == (
        "How do we protect PLC time?", True, 0,
    )  # fmt: skip
    [poll] = body["polls"]
    assert (poll["options"], poll["counts"], poll["total"]) == (["Tue", "Thu"], [0, 1], 1)
    assert [a["user"]["name"] for a in body["attendance"]] == ["Maria Lopez"]
    assert as_role("outsider").get(f"sessions/{session.id}/record").status_code == 404


def test_a_network_groups_sessions_are_readable_by_outsiders(network, as_role):
    group = make_group("Open circle", facilitator=network.facilitator)
    session = schedule(network, group=group)
    client = as_role("outsider")
    assert client.get(f"sessions/{session.id}").status_code == 200
    assert client.post(f"sessions/{session.id}/start").status_code == 403


def test_transcript_after_id_beyond_any_id_is_a_400_not_a_500(network, as_role):
    session = schedule(network)
    response = as_role("member").get(f"sessions/{session.id}/messages?after_id=2147483648")
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert "after_id" in response.get_json()["error"]["fields"]
