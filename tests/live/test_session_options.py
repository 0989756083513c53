"""Session options: anonymous questions, poll results hidden until close, multiple-choice
polls, and the video-call link (form, pages, calendar file, API)."""

from __future__ import annotations

from nic.extensions import db
from nic.models import LiveSession
from nic.services import calendar
from nic.services.live import record as live_record
from nic.services.live import sessions as live_sessions
from tests.factories import in_session
from tests.live.conftest import error_code, ok


def set_options(session_id: int, **options) -> None:
    session = db.session.get(LiveSession, session_id)
    for name, value in options.items():
        setattr(session, name, value)
    db.session.commit()


def test_the_room_does_not_see_who_asked_anonymously_but_facilitators_do(
    app, people, joined, login
):
    sid = people.session.id
    asking = {"session_id": sid, "body": "Is it OK that our PLC skips weeks?", "anonymous": True}
    member, other = joined(people.member), joined(people.other_member)
    assert error_code(member.call("ask", asking)) == "invalid"  # the option is off
    set_options(sid, anonymous_questions=True)
    facilitator = joined(people.facilitator)

    asked = ok(member.call("ask", asking))["question"]

    assert (asked["anonymous"], asked["author"]) == (True, None)
    [seen] = other.received("question")
    assert (seen["anonymous"], seen["author"]) == (True, None)
    assert "Maria Lopez" not in str(seen)
    assert facilitator.received("question")[-1]["author"]["name"] == "Maria Lopez"
    # Joining again: the same rule in the join ack.
    again = ok(other.call("join", {"session_id": sid}))["session"]["questions"]
    assert again[0]["author"] is None
    facing = ok(facilitator.call("join", {"session_id": sid}))["session"]["questions"]
    assert facing[0]["author"]["name"] == "Maria Lopez"
    # A question asked by name stays named.
    named = ok(other.call("ask", {"session_id": sid, "body": "What about Fridays?"}))
    assert named["question"]["author"]["name"] == "Sam Chen"

    live_sessions.end_session(in_session(people.facilitator, sid))
    page = login(people.other_member).get(f"/sessions/{sid}").text
    assert "Asked anonymously</span>" in page and "(by Maria Lopez" not in page
    facilitating = login(people.facilitator).get(f"/sessions/{sid}").text
    assert "Asked anonymously (by Maria Lopez: only facilitators see this)" in facilitating
    _name, text = live_record.transcript_markdown(people.facilitator, sid, "UTC")
    assert "asked anonymously" in text and "asked by Maria" not in text


def test_hidden_results_show_only_the_number_of_voters_until_the_poll_closes(people, joined):
    sid = people.session.id
    set_options(sid, hide_poll_results=True)
    member, other, facilitator = (
        joined(people.member), joined(people.other_member), joined(people.facilitator)
    )  # fmt: skip
    opened = {"session_id": sid, "question": "Best PLC day?", "options": ["Tue", "Thu"]}
    poll = ok(facilitator.call("open_poll", opened))["poll"]
    vote = {"session_id": sid, "poll_id": poll["id"]}

    mine = ok(member.call("vote", {**vote, "option": 1}))["poll"]

    assert (mine["counts"], mine["results_hidden"], mine["total"]) == (None, True, 1)
    assert [p["counts"] for p in other.received("poll")][-1] is None
    assert [p["counts"] for p in facilitator.received("poll")][-1] == [0, 1]
    assert ok(other.call("join", {"session_id": sid}))["session"]["polls"][0]["counts"] is None
    assert ok(facilitator.call("join", {"session_id": sid}))["session"]["polls"][0]["counts"] == [
        0,
        1,
    ]
    closed = ok(facilitator.call("close_poll", vote))["poll"]
    assert closed["counts"] == [0, 1]
    assert [p["counts"] for p in other.received("poll")][-1] == [0, 1]  # everyone sees them


def test_a_multiple_choice_poll_counts_each_choice_and_each_voter_once(people, joined):
    sid = people.session.id
    member, other, facilitator = (
        joined(people.member), joined(people.other_member), joined(people.facilitator)
    )  # fmt: skip
    opened = {"session_id": sid, "question": "Which protocols have you used?",
              "options": ["Tuning", "Consultancy", "ATLAS"], "multiple": True}  # fmt: skip
    poll = ok(facilitator.call("open_poll", opened))["poll"]
    assert poll["multiple"] is True
    vote = {"session_id": sid, "poll_id": poll["id"]}

    ok(member.call("vote", {**vote, "option": [0, 2]}))
    both = ok(other.call("vote", {**vote, "option": [2]}))["poll"]
    assert (both["counts"], both["total"]) == ([1, 0, 2], 2)
    changed = ok(member.call("vote", {**vote, "option": [1]}))["poll"]
    assert (changed["counts"], changed["total"]) == ([0, 1, 1], 2)
    assert ok(member.call("join", {"session_id": sid}))["session"]["me"]["poll_votes"] == {
        str(poll["id"]): [1]
    }
    for bad in ([], [0, 7], ["0"], [True]):
        assert error_code(member.call("vote", {**vote, "option": bad})) == "invalid"
    single = ok(facilitator.call("open_poll", {**opened, "multiple": False}))["poll"]
    one = {"session_id": sid, "poll_id": single["id"]}
    assert error_code(member.call("vote", {**one, "option": [0, 1]})) == "invalid"


def test_the_video_call_link_is_saved_checked_and_shown_while_live(app, people, login):
    facilitator, member = people.facilitator, people.member
    client = login(facilitator)
    sid = people.session.id
    edit = client.get(f"/sessions/{sid}/edit").text
    assert 'type="checkbox"' in edit and "Video-call link" in edit
    assert "Hold Ctrl" not in edit  # the linked threads are checkboxes now
    data = {
        "title": "Protecting PLC time",
        "agenda": "1. Data",
        "starts_at": "2031-03-04T15:00",
        "ends_at": "2031-03-04T16:00",
    }
    refused = client.post_form(f"/sessions/{sid}/edit", {**data, "video_url": "javascript:x"})
    assert refused.status_code == 400 and "starts with https://" in refused.text
    assert 'value="javascript:x"' in refused.text  # the text is kept to correct it
    url = "https://us02web.zoom.us/j/123456789"
    saved = client.post_form(
        f"/sessions/{sid}/edit",
        {**data, "video_url": url, "anonymous_questions": "y"},
        follow_redirects=True,
    )
    assert saved.status_code == 200
    session = db.session.get(LiveSession, sid)
    db.session.refresh(session)
    assert (session.video_url, session.anonymous_questions, session.hide_poll_results) == (
        url,
        True,
        False,
    )
    page = login(member).get(f"/sessions/{sid}").text  # the fixture's session is live
    assert f'href="{url}"' in page and "Join the video call" in page
    assert 'name="anonymous"' in page  # "Ask anonymously"
    home = login(member).get("/").text
    assert f'href="/sessions/{sid}">Join' in home and f'href="{url}"' in home
    ics = calendar.session_ics(session, "https://nic.example.org/sessions/1")
    assert f"LOCATION:{url}" in ics.replace("\r\n ", "")
