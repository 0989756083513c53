"""Each /live event loads the user and their access once, then passes it on.

The access query (user, school, session, group, membership, participant in
one statement) runs once per event whatever the event, and the event's total
query count stays small and fixed.
"""

from __future__ import annotations

import re

import pytest

from tests.live.conftest import ok

ACCESS_QUERY = re.compile(r'FROM "?user"? JOIN live_session ')


def _access_queries(counter) -> int:
    return sum(bool(ACCESS_QUERY.search(s)) for s in counter.statements)


EVENTS = [
    # (event, payload extras, who: member or facilitator, most statements). Before the
    # access was handed to the service, every event but send loaded it twice: one
    # statement more each (react 6, raise_hand 3, lower_hand 4, call_on 5, join 10).
    ("send", {"body": "Counting", "client_msg_id": "c1"}, "member", 2),
    ("react", {"message_id": 1, "emoji": "👍"}, "member", 5),
    ("raise_hand", {}, "member", 2),
    ("lower_hand", {}, "member", 3),
    ("ask", {"body": "What counts as evidence?"}, "member", 2),
    ("pin", {"text": "Bring one piece of student work."}, "facilitator", 2),
    ("lock", {"locked": True}, "facilitator", 2),
    ("call_on", {}, "facilitator", 4),
    ("open_poll", {"question": "Ready?", "options": ["Yes", "No"]}, "facilitator", 3),
    ("join", {}, "member", 9),
]


@pytest.mark.parametrize(("event", "extra", "who", "most"), EVENTS, ids=[e[0] for e in EVENTS])
def test_every_event_loads_the_access_once(people, joined, count_queries, event, extra, who, most):
    member = joined(people.member)
    session_id = people.session.id
    ok(member.call("send", {"session_id": session_id, "body": "First", "client_msg_id": "c0"}))
    ok(member.call("raise_hand", {"session_id": session_id}))
    client = member if who == "member" else joined(people.facilitator)
    with count_queries() as counted:
        ok(client.call(event, {"session_id": session_id, **extra}))
    assert _access_queries(counted) == 1, counted.statements
    assert counted.count <= most, counted.statements
