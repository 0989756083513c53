"""An ended sign-in, a revoked token or a deactivated account closes its open /live sockets.

The sockets of the person's other sign-ins stay: ending the laptop's
sign-in must not throw them out of the session on their phone.
"""

from __future__ import annotations

import pytest

from nic.events import LIVE_NAMESPACE
from nic.extensions import socketio
from nic.services import accounts, logins, tokens
from tests.live.conftest import ok


def login_id(client) -> int:
    found = logins.load_login(client.login_key)
    assert found is not None
    return found[1].id


def chat(client, session_id: int, body: str = "Still here?") -> dict:
    return client.call("send", {"session_id": session_id, "body": body, "client_msg_id": body})


@pytest.mark.parametrize("how", ["sign_out", "everywhere_else", "password"])
def test_ending_a_sign_in_closes_its_sockets_and_no_other(people, joined, how):
    laptop, phone = joined(people.member), joined(people.member)
    facilitator = joined(people.facilitator)
    if how == "sign_out":
        logins.end_login(people.member, login_id(laptop))
    elif how == "everywhere_else":
        logins.end_other_logins(people.member, login_id(phone))
    else:  # changed on the phone: the laptop is signed out
        new = "a much longer passphrase"
        accounts.change_password(people.member, "correct horse battery", new, login_id(phone))
    assert not laptop.connected
    assert phone.connected
    ok(chat(phone, people.session.id))
    # Still in the session on the phone: nobody is told the person left.
    assert [p for p in facilitator.received("presence") if p["action"] == "left"] == []


def test_signing_out_everywhere_closes_every_socket_of_theirs(people, joined):
    laptop, phone = joined(people.member), joined(people.member)
    facilitator = joined(people.facilitator)
    logins.end_all_logins(people.member)
    assert not laptop.connected and not phone.connected
    assert facilitator.connected
    assert facilitator.received("presence") == [
        {"session_id": people.session.id, "action": "left", "user_id": people.member.id}
    ]


def test_a_revoked_tokens_open_socket_is_closed(people, connect):
    bot = tokens.create_token(people.member, "Roster bot")
    other = tokens.create_token(people.member, "Another script")
    revoked = connect(None, auth={"token": bot.secret})
    kept = connect(None, auth={"token": other.secret})
    for client in (revoked, kept):
        ok(client.call("join", {"session_id": people.session.id}))
    tokens.revoke_token(people.member, bot.token.id)
    assert not revoked.connected
    assert kept.connected
    ok(chat(kept, people.session.id))
    assert not connect(None, auth={"token": bot.secret}).connected


def test_a_deactivated_accounts_sockets_are_all_closed(people, joined, connect):
    by_cookie = joined(people.member)
    by_token = connect(None, auth={"token": tokens.create_token(people.member, "bot").secret})
    accounts.set_account_active(people.admin, people.member.id, False)
    assert not by_cookie.connected
    assert not by_token.connected


def test_the_cookie_of_an_ended_sign_in_cannot_open_a_socket(app, people, joined):
    laptop = joined(people.member)
    logins.end_login(people.member, login_id(laptop))
    replay = app.test_client()
    with replay.session_transaction() as session:
        session["_user_id"] = laptop.login_key
    with app.app_context():
        sio = socketio.test_client(app, namespace=LIVE_NAMESPACE, flask_test_client=replay)
    assert not sio.is_connected(LIVE_NAMESPACE)
