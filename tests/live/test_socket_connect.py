"""Connecting to /live: who is let in, and how (cookie, API token, origin)."""

from __future__ import annotations

import pytest

from nic.extensions import db
from nic.services import tokens
from tests.live.conftest import error_code, ok


def test_a_signed_in_member_connects_with_the_session_cookie(people, connect):
    client = connect(people.member)
    assert client.connected
    ack = ok(client.call("join", {"session_id": people.session.id}))
    assert ack["session"]["status"] == "live"


def test_anonymous_connections_are_refused(people, connect):
    assert not connect(None).connected


@pytest.mark.parametrize("auth", [{"token": "nic_not-a-real-token"}, {"token": 42}, {"token": ""}])
def test_a_bad_token_is_refused(people, connect, auth):
    assert not connect(None, auth=auth).connected


def test_an_api_token_authenticates_a_programmatic_client(people, connect):
    secret = tokens.create_token(people.member, "bot").secret
    client = connect(None, auth={"token": secret})
    assert client.connected
    ok(client.call("join", {"session_id": people.session.id}))


def test_a_revoked_token_is_refused(people, connect):
    new = tokens.create_token(people.member, "bot")
    tokens.revoke_token(people.member, new.token.id)
    assert not connect(None, auth={"token": new.secret}).connected


def test_a_deactivated_account_is_refused_on_its_next_event(people, connect):
    client = connect(people.member)
    assert client.connected
    people.member.is_active_account = False  # what an administrator's deactivation stores
    db.session.commit()
    assert error_code(client.call("join", {"session_id": people.session.id})) == "unauthenticated"


def test_cross_origin_handshakes_are_refused(app, client):
    """engineio checks Origin on the HTTP handshake (the Socket.IO test client skips it)."""
    url = "/socket.io/?EIO=4&transport=polling"
    foreign = client.get(url, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 400
    same = client.get(url, headers={"Origin": "http://localhost"})
    assert same.status_code == 200
