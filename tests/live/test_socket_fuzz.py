"""Property-based: whatever a client sends to any /live event, it gets an ack, never a crash.

Hypothesis throws arbitrary JSON values (and payloads shaped like the real
ones, with ids that exist, ids that do not, and text that is not text) at
every event a client may send, as the session's facilitator (who may do
the most) and as a member. Every call must ack a dict: `ok: true`, or
`ok: false` with an error code other than `server_error`; the socket must
stay connected and nothing may be logged as an error (issue 14).
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nic.realtime.handlers import LiveNamespace

EVENTS = sorted(
    name[3:]
    for name in dir(LiveNamespace)
    if name.startswith("on_") and name not in ("on_connect", "on_disconnect")
)

# Text that is not text, and text at the edges.
odd_texts = st.sampled_from(["\ud800", "a \udfff b", "\x00", "\x07 bell", "💡", "x" * 5000, " "])
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False), st.text(max_size=40), odd_texts,
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def payloads(session_id: int, people) -> st.SearchStrategy:
    """Arbitrary JSON, or a payload every event would take with one or two fields broken."""
    base = {
        "session_id": session_id, "body": "Hello", "client_msg_id": "fuzz", "message_id": 1,
        "reply_to_id": None, "emoji": "💡", "user_id": people.member.id, "question_id": 1,
        "poll_id": 1, "option": 0, "question": "Which first?", "options": ["Data", "Norms"],
        "text": "Pinned", "locked": True, "muted": True, "answered": True, "after_id": 0,
    }  # fmt: skip
    values = st.one_of(
        odd_texts, st.sampled_from([session_id, 1, 2, 0, -1, 424_242]), scalars, json_values
    )
    broken = st.dictionaries(st.sampled_from(sorted(base)), values, min_size=1, max_size=2)
    return st.one_of(json_values, broken.map(lambda change: {**base, **change}))


@pytest.mark.parametrize("role", ["facilitator", "member"])
@pytest.mark.parametrize("event", EVENTS)
def test_any_payload_to_any_event_gets_an_ack_and_no_error(
    app, people, joined, caplog, monkeypatch, role, event
):
    # Rate limits would answer most calls before they reach the code under test.
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    client = joined(getattr(people, role))

    @settings(max_examples=100, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
    @given(payload=payloads(people.session.id, people))
    def check(payload):
        ack = client.call(event, payload)
        assert isinstance(ack, dict), (event, payload, ack)
        if ack.get("ok") is not True:
            assert ack.get("ok") is False and "code" in ack.get("error", {}), (event, ack)
            assert ack["error"]["code"] != "server_error", (event, payload, ack)
        assert client.connected, (event, payload)

    with caplog.at_level(logging.WARNING):
        check()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
