"""Facilitation over /live: start/end, pin, lock, mute, hands, questions, polls, presence."""

from __future__ import annotations

import pytest

from nic.extensions import db
from nic.models import Participant
from nic.services.live import attendance as live_attendance
from tests.live.conftest import error_code, ok, schedule


def test_the_facilitator_starts_and_ends_a_session_live(people, connect):
    session = schedule(people.session.group_id, people.facilitator, live=False)
    member, facilitator = connect(people.member), connect(people.facilitator)
    for client in (member, facilitator):
        ok(client.call("join", {"session_id": session.id}))
    member.received()
    assert error_code(member.call("start", {"session_id": session.id})) == "forbidden"
    assert ok(facilitator.call("start", {"session_id": session.id}))["state"]["status"] == "live"
    assert [s["status"] for s in member.received("state")] == ["live"]
    assert error_code(facilitator.call("start", {"session_id": session.id})) == "invalid"
    ok(facilitator.call("end", {"session_id": session.id}))
    assert [s["status"] for s in member.received("state")] == ["ended"]
    assert error_code(facilitator.call("end", {"session_id": session.id})) == "not_live"


def test_pinning_a_message_or_an_agenda_item_or_nothing(people, joined):
    member, facilitator = joined(people.member), joined(people.facilitator)
    sid = people.session.id
    msg = ok(member.call("send", {"session_id": sid, "body": "Data walls", "client_msg_id": "a"}))
    mid = msg["message"]["id"]
    member.received()
    ok(facilitator.call("pin", {"session_id": sid, "message_id": mid}))
    ok(facilitator.call("pin", {"session_id": sid, "text": "2. Next steps"}))
    ok(facilitator.call("pin", {"session_id": sid}))
    assert [s["pinned"] for s in member.received("state")] == [
        {"message_id": mid, "text": None},
        {"message_id": None, "text": "2. Next steps"},
        {"message_id": None, "text": None},
    ]
    both = {"session_id": sid, "message_id": mid, "text": "x"}
    assert error_code(facilitator.call("pin", both)) == "invalid"
    assert error_code(facilitator.call("pin", {"session_id": sid, "text": "x" * 501})) == "invalid"
    assert error_code(facilitator.call("pin", {"session_id": sid, "message_id": 9999})) == (
        "not_found"
    )
    assert error_code(member.call("pin", {"session_id": sid, "text": "Me!"})) == "forbidden"
    assert ok(member.call("join", {"session_id": sid}))["session"]["pinned"]["message_id"] is None


def test_a_locked_chat_takes_only_the_facilitators_messages(people, joined):
    member, facilitator = joined(people.member), joined(people.facilitator)
    sid = people.session.id
    assert ok(facilitator.call("lock", {"session_id": sid}))["state"]["locked"] is True
    assert member.received("state")[0]["locked"] is True
    payload = {"session_id": sid, "body": "Can I?", "client_msg_id": "m"}
    assert error_code(member.call("send", payload)) == "locked"
    ok(facilitator.call("send", {"session_id": sid, "body": "Listen up", "client_msg_id": "f"}))
    ok(facilitator.call("lock", {"session_id": sid, "locked": False}))
    ok(member.call("send", payload))
    assert error_code(member.call("lock", {"session_id": sid})) == "forbidden"


def test_a_muted_member_cannot_write_until_unmuted(people, joined):
    member, other, facilitator = (
        joined(people.member), joined(people.other_member), joined(people.facilitator)
    )  # fmt: skip
    sid = people.session.id
    ack = ok(facilitator.call("mute", {"session_id": sid, "user_id": people.member.id}))
    assert ack["participant"]["muted"] is True
    [update] = [e for e in other.received("presence") if e["action"] != "joined"]
    assert (update["action"], update["participant"]["id"]) == ("updated", people.member.id)
    send = {"session_id": sid, "body": "Hello?", "client_msg_id": "m"}
    assert error_code(member.call("send", send)) == "muted"
    assert error_code(member.call("ask", {"session_id": sid, "body": "Why?"})) == "muted"
    ok(member.call("raise_hand", {"session_id": sid}))  # asking to speak still works
    assert ok(member.call("join", {"session_id": sid}))["session"]["me"]["muted"] is True
    ok(facilitator.call("mute", {"session_id": sid, "user_id": people.member.id, "muted": False}))
    ok(member.call("send", send))


def test_who_can_be_muted(people, joined):
    facilitator = joined(people.facilitator)
    sid = people.session.id
    assert (
        error_code(facilitator.call("mute", {"session_id": sid, "user_id": people.facilitator.id}))
        == "forbidden"
    )
    # Sam has not joined this session yet.
    assert (
        error_code(facilitator.call("mute", {"session_id": sid, "user_id": people.other_member.id}))
        == "not_found"
    )
    member = joined(people.member)
    assert (
        error_code(member.call("mute", {"session_id": sid, "user_id": people.member.id}))
        == "forbidden"
    )


def test_the_raised_hand_queue(people, joined):
    member, other, facilitator = (
        joined(people.member), joined(people.other_member), joined(people.facilitator)
    )  # fmt: skip
    sid = {"session_id": people.session.id}
    ok(member.call("raise_hand", sid))
    ok(other.call("raise_hand", sid))
    queue = ok(member.call("raise_hand", sid))["hands"]["queue"]  # twice keeps the first place
    assert [h["user"]["name"] for h in queue] == ["Maria Lopez", "Sam Chen"]
    assert len(facilitator.received("hands")) == 3
    assert error_code(member.call("call_on", sid)) == "forbidden"
    hands = ok(facilitator.call("call_on", sid))["hands"]
    assert hands["called_on"]["user"]["name"] == "Maria Lopez"
    assert [h["user"]["name"] for h in hands["queue"]] == ["Sam Chen"]
    assert member.received("hands")[-1] == hands
    ok(other.call("lower_hand", sid))
    assert error_code(facilitator.call("call_on", sid)) == "invalid"  # nobody is waiting
    ok(other.call("raise_hand", sid))
    named = {**sid, "user_id": people.member.id}
    assert error_code(facilitator.call("call_on", named)) == "not_found"
    hands = ok(facilitator.call("call_on", {**sid, "user_id": people.other_member.id}))["hands"]
    assert hands["queue"] == [] and hands["called_on"]["user"]["name"] == "Sam Chen"
    snapshot = ok(member.call("join", sid))["session"]["hands"]
    assert snapshot == hands


def test_questions_upvotes_and_answers(people, joined):
    member, other, facilitator = (
        joined(people.member), joined(people.other_member), joined(people.facilitator)
    )  # fmt: skip
    sid = people.session.id
    question = ok(member.call("ask", {"session_id": sid, "body": "How do you *start*?"}))
    question = question["question"]
    assert question["body_html"] == "<p>How do you <em>start</em>?</p>"
    assert (question["votes"], question["answered"]) == (0, False)
    assert other.received("question") == [question]
    vote = {"session_id": sid, "question_id": question["id"]}
    assert ok(other.call("upvote", vote))["question"]["votes"] == 1
    assert ok(other.call("upvote", vote))["question"]["votes"] == 1  # once per person
    assert ok(facilitator.call("upvote", vote))["question"]["votes"] == 2
    assert error_code(member.call("answer", vote)) == "forbidden"
    assert ok(facilitator.call("answer", vote))["question"]["answered"] is True
    assert member.received("question")[-1]["answered"] is True
    session = ok(other.call("join", {"session_id": sid}))["session"]
    assert session["questions"][0]["votes"] == 2
    assert session["me"]["question_votes"] == [question["id"]]
    assert error_code(other.call("upvote", {"session_id": sid, "question_id": 999})) == "not_found"
    assert error_code(member.call("ask", {"session_id": sid, "body": " "})) == "invalid"


@pytest.mark.parametrize(
    ("question", "options"),
    [
        ("Best day?", ["Tuesday"]),
        ("Best day?", "Tuesday,Friday"),
        ("", ["a", "b"]),
        ("Best day?", ["a", "A"]),
        ("Best day?", ["a", ""]),
        ("Best day?", [str(i) for i in range(11)]),
        ("Best day?", ["a", 2]),
    ],
)
def test_bad_polls_are_invalid(people, joined, question, options):
    facilitator = joined(people.facilitator)
    payload = {"session_id": people.session.id, "question": question, "options": options}
    assert error_code(facilitator.call("open_poll", payload)) == "invalid"


def test_a_quick_poll_with_live_results(people, joined):
    member, other, facilitator = (
        joined(people.member), joined(people.other_member), joined(people.facilitator)
    )  # fmt: skip
    sid = people.session.id
    opened = {"session_id": sid, "question": "Best PLC day?", "options": ["Tue", "Thu"]}
    assert error_code(member.call("open_poll", opened)) == "forbidden"
    poll = ok(facilitator.call("open_poll", opened))["poll"]
    assert (poll["counts"], poll["open"]) == ([0, 0], True)
    assert other.received("poll") == [poll]
    vote = {"session_id": sid, "poll_id": poll["id"]}
    ok(member.call("vote", {**vote, "option": 0}))
    assert ok(other.call("vote", {**vote, "option": 0}))["poll"]["counts"] == [2, 0]
    assert ok(member.call("vote", {**vote, "option": 1}))["poll"]["counts"] == [1, 1]
    assert [p["counts"] for p in facilitator.received("poll")][-1] == [1, 1]
    assert error_code(member.call("vote", {**vote, "option": 2})) == "invalid"
    assert error_code(member.call("vote", {**vote, "option": True})) == "invalid"
    assert error_code(member.call("vote", {"session_id": sid, "poll_id": 99, "option": 0})) == (
        "not_found"
    )
    session = ok(member.call("join", {"session_id": sid}))["session"]
    assert session["me"]["poll_votes"] == {str(poll["id"]): [1]}  # the options chosen
    assert session["polls"][0]["total"] == 2
    assert error_code(member.call("close_poll", vote)) == "forbidden"
    assert ok(facilitator.call("close_poll", vote))["poll"]["open"] is False
    assert error_code(other.call("vote", {**vote, "option": 1})) == "invalid"


def test_people_back_with_a_stalled_process_are_announced_again(app, people, joined):
    """What the heartbeat does for a process that was taken for dead and beats again."""
    watcher = joined(people.facilitator)
    joined(people.member)
    watcher.received()
    sid = people.session.id
    with app.app_context():
        live_attendance.person_left(sid, people.member.id)  # the survivor that reaped it
        live_attendance.person_back(sid, people.member.id)  # the process, beating again
        live_attendance.person_back(sid, people.outsider.id)  # may not take part: nothing
    left, back = watcher.received("presence")
    assert left == {"session_id": sid, "action": "left", "user_id": people.member.id}
    assert back["action"] == "joined" and back["session_id"] == sid
    assert back["participant"]["id"] == people.member.id
    assert back["participant"]["name"] == "Maria Lopez" and back["participant"]["online"] is True
    with app.app_context():
        assert db.session.get(Participant, (sid, people.outsider.id)) is None


def test_presence_counts_people_not_tabs(people, connect, joined):
    watcher = joined(people.facilitator)
    first_tab = joined(people.member)
    [joined_event] = watcher.received("presence")
    assert joined_event["action"] == "joined" and joined_event["participant"]["online"] is True
    second_tab = joined(people.member)
    assert watcher.received("presence") == []
    online = ok(watcher.call("join", {"session_id": people.session.id}))["session"]["participants"]
    assert sorted(p["name"] for p in online if p["online"]) == ["Fran Facilitator", "Maria Lopez"]
    first_tab.disconnect()
    assert watcher.received("presence") == []
    second_tab.disconnect()
    assert watcher.received("presence") == [
        {"session_id": people.session.id, "action": "left", "user_id": people.member.id}
    ]
    joined(people.member).call("leave", {"session_id": people.session.id})
    assert [e["action"] for e in watcher.received("presence")] == ["joined", "left"]
