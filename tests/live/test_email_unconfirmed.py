"""Over /live, a member whose address is unconfirmed attends and reads, but does not chat."""

from __future__ import annotations

from nic.services import groups
from tests.factories import make_user
from tests.live.conftest import error_code, ok


def test_an_unconfirmed_member_joins_but_cannot_send_or_ask(app, people, connect, login):
    newcomer = make_user("New Comer", confirmed=False)
    groups.add_member(None, people.session.group_id, newcomer.id, "member")
    client = connect(newcomer)
    sid = people.session.id
    ok(client.call("join", {"session_id": sid}))
    sent = client.call("send", {"session_id": sid, "body": "Hello", "client_msg_id": "n1"})
    assert error_code(sent) == "email_unconfirmed"
    assert "Confirm your email address" in sent["error"]["message"]
    assert (
        error_code(client.call("ask", {"session_id": sid, "body": "Why?"})) == "email_unconfirmed"
    )
    ok(client.call("raise_hand", {"session_id": sid}))  # not writing: still allowed
    page = login(newcomer).get(f"/sessions/{sid}").get_data(as_text=True)
    assert 'data-unconfirmed="true"' in page
    assert "Confirm your email address to write in the chat" in page
