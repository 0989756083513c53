"""Who may do what over /live, and who hears about it.

Every event is authorized again on the server: outsiders of a private group
get not_found (they must not learn the session exists), people who can see
a network group without being members get forbidden, members may take part,
and only facilitators and administrators may facilitate.
"""

from __future__ import annotations

import pytest

from nic.extensions import db
from nic.models import Membership
from nic.services import groups
from nic.services.live import chat as live_chat
from nic.services.live import facilitation as live_facilitation
from nic.services.live import questions as live_questions
from tests.factories import in_session, make_group, make_user
from tests.live.conftest import error_code, ok, schedule

TAKE_PART = ["join", "leave", "send", "react", "raise_hand", "lower_hand", "ask", "upvote", "vote"]
FACILITATE = ["pin", "delete", "mute", "lock", "call_on", "answer", "open_poll", "close_poll",
              "start", "end"]  # fmt: skip


@pytest.fixture
def payloads(people):
    """A valid payload for every event, against things that exist."""
    sid = people.session.id
    message = live_chat.send_message(in_session(people.other_member, sid), "Data first", "d")
    question = live_questions.ask(in_session(people.other_member, sid), "How?")
    poll = live_questions.open_poll(in_session(people.facilitator, sid), "Day?", ["Tue", "Thu"])
    live_facilitation.raise_hand(in_session(people.other_member, sid))
    scheduled = schedule(people.session.group_id, people.facilitator, live=False)
    base = {"session_id": sid}
    return {
        "join": base,
        "leave": base,
        "send": {**base, "body": "Hello", "client_msg_id": "h"},
        "react": {**base, "message_id": message["id"], "emoji": "👍"},
        "raise_hand": base,
        "lower_hand": base,
        "ask": {**base, "body": "Why?"},
        "upvote": {**base, "question_id": question["id"]},
        "vote": {**base, "poll_id": poll["id"], "option": 0},
        "pin": {**base, "message_id": message["id"]},
        "delete": {**base, "message_id": message["id"]},
        "mute": {**base, "user_id": people.other_member.id},
        "lock": base,
        "call_on": base,
        "answer": {**base, "question_id": question["id"]},
        "open_poll": {**base, "question": "Time?", "options": ["AM", "PM"]},
        "close_poll": {**base, "poll_id": poll["id"]},
        "start": {"session_id": scheduled.id},
        "end": base,
    }


@pytest.mark.parametrize("event", TAKE_PART + FACILITATE)
def test_outsiders_of_a_private_group_get_not_found(people, connect, payloads, event):
    assert error_code(connect(people.outsider).call(event, payloads[event])) == "not_found"


def joined_first(client, event: str, payload: dict):
    """Leaving needs a joined session; every other event works without joining."""
    if event == "leave":
        ok(client.call("join", {"session_id": payload["session_id"]}))
    return client.call(event, payload)


@pytest.mark.parametrize("event", TAKE_PART)
def test_members_take_part(people, connect, payloads, event):
    ok(joined_first(connect(people.member), event, payloads[event]))


@pytest.mark.parametrize("event", FACILITATE)
def test_members_cannot_facilitate(people, connect, payloads, event):
    assert error_code(connect(people.member).call(event, payloads[event])) == "forbidden"


@pytest.mark.parametrize("event", TAKE_PART + FACILITATE)
@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_facilitators_and_admins_do_everything(people, connect, payloads, event, role):
    ok(joined_first(connect(getattr(people, role)), event, payloads[event]))


@pytest.mark.parametrize("event", TAKE_PART)
def test_seeing_a_network_group_is_not_enough_to_take_part(people, connect, event):
    host = make_user("Hal Host", job_role="facilitator")
    group = make_group(visibility="network", facilitator=host)
    session = schedule(group.id, host)
    payload = {"session_id": session.id, "body": "Hi", "client_msg_id": "x", "message_id": 1,
               "emoji": "👍", "question_id": 1, "poll_id": 1, "option": 0}  # fmt: skip
    expected = "not_found" if event == "leave" else "forbidden"  # they could never join
    assert error_code(connect(people.member).call(event, payload)) == expected


def test_broadcasts_reach_only_the_sessions_room(people, connect, joined):
    """A non-member in another session, and a member not in the room, hear nothing."""
    own_facilitator = make_user("Nia Other", job_role="facilitator")
    own_group = make_group(visibility="private", facilitator=own_facilitator,
                           members=[people.outsider])  # fmt: skip
    own_session = schedule(own_group.id, own_facilitator)
    elsewhere = connect(people.outsider)
    ok(elsewhere.call("join", {"session_id": own_session.id}))
    lurker = connect(people.other_member)  # connected, but never joined the room
    member, facilitator = joined(people.member), joined(people.facilitator)
    elsewhere.received(), lurker.received()
    sid = people.session.id
    message = ok(member.call("send", {"session_id": sid, "body": "Secret", "client_msg_id": "s"}))
    mid = message["message"]["id"]
    ok(member.call("react", {"session_id": sid, "message_id": mid, "emoji": "👍"}))
    ok(member.call("raise_hand", {"session_id": sid}))
    ok(member.call("ask", {"session_id": sid, "body": "Q"}))
    ok(facilitator.call("open_poll", {"session_id": sid, "question": "P", "options": ["a", "b"]}))
    ok(facilitator.call("pin", {"session_id": sid, "text": "Item"}))
    ok(facilitator.call("delete", {"session_id": sid, "message_id": mid}))
    member.disconnect()
    assert elsewhere.received() == []
    assert lurker.received() == []
    names = {e for e in ("message", "reaction", "hands", "question", "poll", "state",
                         "message_deleted", "presence") if facilitator.received(e)}  # fmt: skip
    assert len(names) == 8


def test_a_member_who_leaves_the_group_is_dropped_at_once(people, joined):
    member, facilitator = joined(people.member), joined(people.facilitator)
    groups.leave_group(people.member, people.session.group_id)
    assert not member.connected
    assert facilitator.received("presence") == [
        {"session_id": people.session.id, "action": "left", "user_id": people.member.id}
    ]


def test_a_removed_member_is_dropped_at_once(people, joined):
    member, facilitator = joined(people.member), joined(people.facilitator)
    groups.remove_member(people.facilitator, people.session.group_id, people.member.id)
    assert not member.connected
    notices = [e["args"][0] for e in member.sio.queue if e["name"] == "member_removed"]
    assert notices == [{"group_id": people.session.group_id, "user_id": people.member.id}]
    assert facilitator.received("presence") == [
        {"session_id": people.session.id, "action": "left", "user_id": people.member.id}
    ]


def test_a_removed_member_on_another_socket_is_refused_on_the_next_event(people, joined, connect):
    """Sockets nobody dropped are still refused, event by event."""
    member = joined(people.member)
    # The membership goes without this process hearing of it (as if another
    # process's queue notice were lost): every event still re-checks it.
    db.session.delete(db.session.get(Membership, (people.session.group_id, people.member.id)))
    db.session.commit()
    payload = {"session_id": people.session.id, "body": "Still here?", "client_msg_id": "s"}
    assert error_code(member.call("send", payload)) == "not_found"
    assert error_code(member.call("join", {"session_id": people.session.id})) == "not_found"
