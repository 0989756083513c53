"""Chat over /live: join and catch up, send (idempotent), reply, react, delete, limits."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import ChatMessage
from nic.services.live import chat as live_chat
from nic.services.live import sessions as live_sessions
from tests.factories import in_session
from tests.live.conftest import error_code, ok, schedule
from tests.test_markup import live_markup

MESSAGE_KEYS = {"id", "session_id", "author", "body", "body_html", "created_at", "client_msg_id"}


def rows(app, session_id: int) -> list[ChatMessage]:
    """The session's stored messages, read through a fresh database session."""
    with app.app_context():
        query = sa.select(ChatMessage).where(ChatMessage.session_id == session_id)
        return list(db.session.scalars(query.order_by(ChatMessage.id)))


def send(client, session_id: int, body: str, cmid: str, **extra) -> dict:
    payload = {"session_id": session_id, "body": body, "client_msg_id": cmid, **extra}
    return client.call("send", payload)


def test_join_acks_the_session_state_and_latest_messages(people, connect):
    live_chat.send_message(in_session(people.member, people.session.id), "Good morning", "m1")
    client = connect(people.other_member)
    ack = ok(client.call("join", {"session_id": people.session.id}))
    session = ack["session"]
    assert {"status", "locked", "pinned", "participants", "hands", "questions", "polls"} <= set(
        session
    )
    assert (session["status"], session["locked"]) == ("live", False)
    assert [p["name"] for p in session["participants"] if p["online"]] == ["Sam Chen"]
    [message] = ack["messages"]
    assert set(message) >= MESSAGE_KEYS
    assert message["author"] == {
        "id": people.member.id,
        "name": "Maria Lopez",
        "username": people.member.username,
        "job_role": "principal",
        "job_role_label": "Principal",
        "school": {"id": people.member.school_id, "name": "Lincoln Elementary"},
    }
    assert ack["has_more"] is False


def test_join_without_after_id_gives_the_latest_200_oldest_first(people, connect):
    for i in range(203):
        live_chat.send_message(in_session(people.member, people.session.id), f"Note {i}", f"n{i}")
    ack = ok(connect(people.facilitator).call("join", {"session_id": people.session.id}))
    bodies = [m["body"] for m in ack["messages"]]
    assert len(bodies) == 200
    assert (bodies[0], bodies[-1]) == ("Note 3", "Note 202")


def test_send_commits_then_acks_and_broadcasts_to_the_room(app, people, joined):
    sender, listener = joined(people.member), joined(people.other_member)
    ack = ok(send(sender, people.session.id, "We moved PLCs to **Tuesdays**", "c-1"))
    message = ack["message"]
    assert set(message) >= MESSAGE_KEYS
    assert message["body_html"] == "<p>We moved PLCs to <strong>Tuesdays</strong></p>"
    assert [m.id for m in rows(app, people.session.id)] == [message["id"]]
    assert listener.received("message") == [message]
    assert sender.received("message") == [message]


def test_a_resend_with_the_same_client_msg_id_stores_one_row(app, people, joined):
    sender, listener = joined(people.member), joined(people.other_member)
    first = ok(send(sender, people.session.id, "Once only", "same"))["message"]
    again = ok(send(sender, people.session.id, "Once only", "same"))["message"]
    assert again == first
    assert len(rows(app, people.session.id)) == 1
    assert listener.received("message") == [first]


def test_a_resend_is_acked_even_after_the_session_ended(app, people, joined):
    sender = joined(people.member)
    first = ok(send(sender, people.session.id, "Before the end", "late"))["message"]
    live_sessions.end_session(in_session(people.facilitator, people.session.id))
    assert ok(send(sender, people.session.id, "Before the end", "late"))["message"] == first
    assert error_code(send(sender, people.session.id, "After the end", "new")) == "not_live"


def test_the_same_client_msg_id_from_two_people_is_two_messages(app, people, joined):
    ok(send(joined(people.member), people.session.id, "Mine", "x"))
    ok(send(joined(people.other_member), people.session.id, "Mine too", "x"))
    assert len(rows(app, people.session.id)) == 2


def test_rejoining_with_after_id_catches_up_exactly_what_was_missed(people, joined):
    reader = joined(people.other_member)
    seen = ok(send(reader, people.session.id, "Last one I saw", "r1"))["message"]["id"]
    reader.disconnect()
    writer = joined(people.member)
    sent = [
        ok(send(writer, people.session.id, f"Missed {i}", f"w{i}"))["message"] for i in range(3)
    ]
    deleted = ok(send(writer, people.session.id, "Oops", "w-oops"))["message"]
    live_chat.delete_message(in_session(people.facilitator, people.session.id), deleted["id"])
    live_chat.delete_message(in_session(people.facilitator, people.session.id), seen)
    back = joined(people.other_member)
    ack = ok(back.call("join", {"session_id": people.session.id, "after_id": seen}))
    assert ack["messages"] == sent
    assert ack["deleted_ids"] == [seen]
    assert ack["has_more"] is False


def test_catching_up_more_than_200_says_there_is_more(people, connect):
    for i in range(201):
        live_chat.send_message(in_session(people.member, people.session.id), f"Note {i}", f"n{i}")
    ack = ok(connect(people.member).call("join", {"session_id": people.session.id, "after_id": 0}))
    assert len(ack["messages"]) == 200 and ack["has_more"] is True
    assert ack["messages"][0]["body"] == "Note 0"


def test_message_ids_increase_within_a_session(people, joined):
    client = joined(people.member)
    ids = [ok(send(client, people.session.id, f"{i}", f"i{i}"))["message"]["id"] for i in range(5)]
    assert ids == sorted(ids) and len(set(ids)) == 5


def test_markup_is_sanitised_like_posts(people, joined):
    body = "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) *ok*"
    html = ok(send(joined(people.member), people.session.id, body, "xss"))["message"]["body_html"]
    # Raw HTML is shown as typed, as text; the javascript: link keeps only its words.
    assert live_markup(html) == [] and "javascript:" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<em>ok</em>" in html


def test_a_reply_quotes_the_message_it_answers(people, joined):
    client = joined(people.member)
    first = ok(send(client, people.session.id, "How do you protect PLC time?", "q"))["message"]
    reply = ok(send(joined(people.other_member), people.session.id, "Block it", "a",
                    reply_to_id=first["id"]))["message"]  # fmt: skip
    quote = {"id": first["id"], "deleted": False, "body": "How do you protect PLC time?",
             "author": {"id": people.member.id, "name": "Maria Lopez"}}  # fmt: skip
    assert reply["reply_to"] == quote
    ack = ok(client.call("join", {"session_id": people.session.id, "after_id": first["id"]}))
    assert ack["messages"][0]["reply_to"] == quote


def test_replying_to_a_message_of_another_session_is_not_found(people, joined):
    other_session = schedule(people.session.group_id, people.facilitator)
    elsewhere = live_chat.send_message(
        in_session(people.member, other_session.id), "Elsewhere", "e"
    )
    ack = send(joined(people.member), people.session.id, "Re", "r", reply_to_id=elsewhere["id"])
    assert error_code(ack) == "not_found"


def test_reactions_toggle_and_are_broadcast(people, joined):
    author, reactor = joined(people.member), joined(people.other_member)
    message = ok(send(author, people.session.id, "Try a data wall", "d"))["message"]
    author.received()
    payload = {"session_id": people.session.id, "message_id": message["id"], "emoji": "💡"}
    first = ok(reactor.call("react", payload))["reaction"]
    assert (first["active"], first["count"], first["user_id"]) == (True, 1, people.other_member.id)
    assert author.received("reaction") == [first]
    ack = ok(author.call("join", {"session_id": people.session.id}))
    assert ack["messages"][0]["reactions"] == {"💡": [people.other_member.id]}
    second = ok(reactor.call("react", payload))["reaction"]
    assert (second["active"], second["count"]) == (False, 0)


@pytest.mark.parametrize("emoji", ["", "<b>", "👍" * 3, 7, None])
def test_unknown_reactions_are_invalid(people, joined, emoji):
    client = joined(people.member)
    message = ok(send(client, people.session.id, "Hello", "h"))["message"]
    ack = client.call("react", {"session_id": people.session.id, "message_id": message["id"],
                                "emoji": emoji})  # fmt: skip
    assert error_code(ack) == "invalid"


def test_a_facilitator_deletes_a_message_for_everyone(app, people, joined):
    member, facilitator = joined(people.member), joined(people.facilitator)
    message = ok(send(member, people.session.id, "Off topic", "o"))["message"]
    ok(facilitator.call("pin", {"session_id": people.session.id, "message_id": message["id"]}))
    member.received()
    ok(facilitator.call("delete", {"session_id": people.session.id, "message_id": message["id"]}))
    events = {e: member.received(e) for e in ("message_deleted", "state")}
    assert events["message_deleted"] == [
        {"session_id": people.session.id, "message_id": message["id"]}
    ]
    assert events["state"][0]["pinned"] == {"message_id": None, "text": None}
    assert ok(member.call("join", {"session_id": people.session.id}))["messages"] == []
    again = {"session_id": people.session.id, "message_id": message["id"]}
    assert error_code(facilitator.call("delete", again)) == "not_found"
    assert rows(app, people.session.id)[0].deleted_at is not None  # kept for the record


def test_members_cannot_delete_even_their_own_messages(people, joined):
    member = joined(people.member)
    message = ok(send(member, people.session.id, "Mine", "m"))["message"]
    ack = member.call("delete", {"session_id": people.session.id, "message_id": message["id"]})
    assert error_code(ack) == "forbidden"


def test_sending_too_fast_is_rate_limited(people, joined):
    client = joined(people.member)
    for i in range(10):
        ok(send(client, people.session.id, f"Quick {i}", f"q{i}"))
    assert error_code(send(client, people.session.id, "One too many", "q10")) == "rate_limited"
    # The limit is per person: someone else can still talk.
    ok(send(joined(people.other_member), people.session.id, "Me too", "o"))


@pytest.mark.parametrize("status", ["scheduled", "ended"])
def test_a_session_that_is_not_live_can_be_joined_but_not_written_to(people, connect, status):
    session = schedule(people.session.group_id, people.facilitator, live=False)
    if status == "ended":
        live_sessions.start_session(in_session(people.facilitator, session.id))
        live_sessions.end_session(in_session(people.facilitator, session.id))
    client = connect(people.member)
    assert ok(client.call("join", {"session_id": session.id}))["session"]["status"] == status
    assert error_code(send(client, session.id, "Hello?", "h")) == "not_live"


BAD_SENDS = [
    ({"body": "", "client_msg_id": "a"}, "invalid"),
    ({"body": "   \n ", "client_msg_id": "a"}, "invalid"),
    ({"body": "x" * 4001, "client_msg_id": "a"}, "invalid"),
    ({"body": 12, "client_msg_id": "a"}, "invalid"),
    # Not text: a lone surrogate once reached nh3 and a server_error (issue 14).
    ({"body": "\ud800", "client_msg_id": "a"}, "invalid"),
    ({"body": "a bell \x07 rings", "client_msg_id": "a"}, "invalid"),
    ({"body": ["x"], "client_msg_id": "a"}, "invalid"),
    ({"body": {"x": 1}, "client_msg_id": "a"}, "invalid"),
    ({"client_msg_id": "a"}, "invalid"),
    ({"body": "hi"}, "invalid"),
    ({"body": "hi", "client_msg_id": ""}, "invalid"),
    ({"body": "hi", "client_msg_id": "x" * 65}, "invalid"),
    ({"body": "hi", "client_msg_id": 5}, "invalid"),
    ({"body": "hi", "client_msg_id": "\ud800"}, "invalid"),  # found by test_socket_fuzz.py
    ({"body": "hi", "client_msg_id": "a", "reply_to_id": "1"}, "invalid"),
    ({"body": "hi", "client_msg_id": "a", "reply_to_id": 999_999}, "not_found"),
    ({"body": "hi", "client_msg_id": "a", "session_id": "1"}, "invalid"),
    ({"body": "hi", "client_msg_id": "a", "session_id": True}, "invalid"),
    ({"body": "hi", "client_msg_id": "a", "session_id": -1}, "invalid"),
    ({"body": "hi", "client_msg_id": "a", "session_id": 2**70}, "invalid"),
    ({"body": "hi", "client_msg_id": "a", "session_id": 1.5}, "invalid"),
    ({"body": "hi", "client_msg_id": "a", "session_id": 424242}, "not_found"),
]


@pytest.mark.parametrize(("payload", "code"), BAD_SENDS)
def test_bad_sends_get_an_error_ack_and_nothing_is_stored(app, people, joined, caplog, payload,
                                                          code):  # fmt: skip
    client = joined(people.member)
    ack = client.call("send", {"session_id": people.session.id, **payload})
    assert error_code(ack) == code
    assert rows(app, people.session.id) == []
    assert client.connected
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "args",
    [(), ("just text",), ([1, 2],), (None,), (42,), ({"session_id": 1}, {"extra": True})],
)
def test_malformed_payloads_get_invalid_for_every_event(people, connect, caplog, args):
    client = connect(people.member)
    for event in ("join", "send", "react", "delete", "vote", "mute", "start"):
        assert error_code(client.call(event, *args)) == "invalid", event
    assert client.connected
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_an_unknown_event_gets_invalid(people, connect):
    assert error_code(connect(people.member).call("shout", {"session_id": 1})) == "invalid"


def test_send_and_join_cost_a_constant_number_of_queries(people, joined, count_queries):
    """The hot path: one query for the user and their access (user + school + session +
    group + membership + participant), then the insert."""
    client = joined(people.member)
    with count_queries() as sending:
        ok(send(client, people.session.id, "Counting", "c0"))
    assert sending.count == 2, sending.statements
    for i in range(1, 6):
        ok(send(joined(people.other_member), people.session.id, f"Reply {i}", f"r{i}",
                reply_to_id=1))  # fmt: skip
    with count_queries() as joining:
        ok(client.call("join", {"session_id": people.session.id}))
    with count_queries() as catching_up:
        ok(client.call("join", {"session_id": people.session.id, "after_id": 1}))
    # Messages, authors, quotes and reactions do not add a query per message.
    assert joining.count <= 11, joining.statements
    assert catching_up.count == joining.count + 1  # + the deleted ids


@pytest.mark.parametrize("event", ["connect", "disconnect"])
def test_reserved_event_names_get_an_error_ack_and_change_nothing(people, joined, caplog, event):
    client = joined(people.member)
    ack = client.call(event, {"token": "x"})
    assert error_code(ack) == "invalid"
    assert "reserved" in ack["error"]["message"]
    assert "Traceback" not in caplog.text and "Error" not in caplog.text
    # Still here, still counted: the socket works as before.
    assert client.connected
    ok(send(client, people.session.id, "Still here", "still-1"))
    session = ok(joined(people.other_member).call("join", {"session_id": people.session.id}))
    online = {p["name"] for p in session["session"]["participants"] if p["online"]}
    assert "Maria Lopez" in online


def test_a_refused_payload_names_every_bad_field_as_the_api_does(people, connect):
    client = connect(people.member)
    ack = client.call("send", {"session_id": True, "reply_to_id": "7"})
    assert error_code(ack) == "invalid"
    assert set(ack["error"]["fields"]) == {"session_id", "body", "client_msg_id", "reply_to_id"}
    assert ack["error"]["fields"]["session_id"] == "Not a valid integer."
    assert ack["error"]["message"].startswith("Some fields are not valid:")
    # Fields an event does not know are ignored, so a newer client still works.
    ok(client.call("raise_hand", {"session_id": people.session.id, "urgent": True}))


def test_a_message_mentioning_people_broadcasts_their_links(app, people, joined):
    sender, listener = joined(people.member), joined(people.other_member)
    handle = people.other_member.username
    body = f"Thanks @{handle}! Write to {handle}@example.org, or see `@{handle}`"
    message = ok(send(sender, people.session.id, body, "mention-1"))["message"]
    link = f'<a class="mention" href="/u/id/{people.other_member.id}" rel="nofollow noopener">'
    assert message["body_html"].count(link) == 1  # not in the email address, not in code
    assert message["body"] == body
    [broadcast] = listener.received("message")
    assert broadcast["body_html"] == message["body_html"]
    [stored] = rows(app, people.session.id)
    assert stored.body_html == message["body_html"]
