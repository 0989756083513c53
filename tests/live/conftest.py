"""Fixtures for the /live Socket.IO protocol: people, a live session, socket clients.

`connect(user)` signs a fresh Flask test client in as that user (each person
has their own cookie jar) and opens the Socket.IO test client on /live with
it. Each connect and event runs in an app context of its own, as in
production, so every event gets a fresh database session.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from nic.events import LIVE_NAMESPACE
from nic.extensions import db, socketio
from nic.models import LiveSession, User
from nic.services.live import sessions as live_sessions
from tests.factories import in_session, make_group, make_school, make_user, sign_in

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis() -> str:
    """The real Redis the scale-out set-up uses (.ci/run starts one when missing)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), 0.5).close()
    except OSError:
        pytest.fail("These tests need Redis on 127.0.0.1:6379: start redis-server (see .ci/run).")
    return REDIS_URL


class LiveClient:
    """A Socket.IO test client on /live for one person."""

    def __init__(self, app: Flask, user: User | None, auth: dict | None = None) -> None:
        self.app = app
        flask_client = app.test_client()
        self.login_key = None  # the sign-in its cookie names
        if user is not None:
            with app.app_context():
                self.login_key = sign_in(flask_client, user)
        with app.app_context():
            self.sio = socketio.test_client(
                app, namespace=LIVE_NAMESPACE, flask_test_client=flask_client, auth=auth
            )

    @property
    def connected(self) -> bool:
        return self.sio.is_connected(LIVE_NAMESPACE)

    def call(self, event: str, *args: Any) -> Any:
        """Emit with an acknowledgement and return what the server acked."""
        with self.app.app_context():
            return self.sio.emit(event, *args, namespace=LIVE_NAMESPACE, callback=True)

    def received(self, name: str | None = None) -> list[Any]:
        """Payloads of the events received since last asked (all, or one name's); consumed."""
        events = [
            e
            for e in self.sio.queue
            if e["namespace"] == LIVE_NAMESPACE and (name is None or e["name"] == name)
        ]
        self.sio.queue = [e for e in self.sio.queue if e not in events]
        # The test client unwraps the arguments of events named "message".
        return [e["args"] if e["name"] == "message" else e["args"][0] for e in events]

    def disconnect(self) -> None:
        with self.app.app_context():
            self.sio.disconnect(namespace=LIVE_NAMESPACE)


@pytest.fixture
def connect(app) -> Iterator:
    """connect(user, auth=None) -> LiveClient; every client is disconnected at the end."""
    clients: list[LiveClient] = []

    def _connect(user: User | None, auth: dict | None = None) -> LiveClient:
        client = LiveClient(app, user, auth)
        clients.append(client)
        return client

    yield _connect
    for client in clients:
        if client.connected:
            client.disconnect()


def ok(ack: Any) -> dict:
    """Assert a successful ack and return it."""
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def error_code(ack: Any) -> str:
    """Assert a failed ack and return its error code."""
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    assert set(ack["error"]) >= {"code", "message"}, ack
    return ack["error"]["code"]


@dataclass
class People:
    facilitator: User
    member: User
    other_member: User
    outsider: User
    admin: User
    session: LiveSession


def schedule(group_id: int, facilitator: User, *, live: bool = True) -> LiveSession:
    starts = datetime.now(UTC) + timedelta(hours=1)
    session = live_sessions.schedule_session(
        facilitator,
        group_id,
        live_sessions.SessionFields("Protecting PLC time", "1. Data\n2. Next steps", starts,
                                    starts + timedelta(hours=1)),
    )  # fmt: skip
    if live:
        live_sessions.start_session(in_session(facilitator, session.id))
    return session


@pytest.fixture
def people(app) -> People:
    """A private group's live session: its facilitator, two members; an outsider, an admin."""
    school = make_school("Lincoln Elementary")
    facilitator = make_user("Fran Facilitator", job_role="facilitator")
    member = make_user("Maria Lopez", school=school)
    other = make_user("Sam Chen", job_role="instructional_coach")
    outsider = make_user("Olive Outsider")
    admin = make_user("Ada Admin", admin=True)
    group = make_group(
        "Principals of the North", visibility="private", facilitator=facilitator,
        members=[member, other],
    )  # fmt: skip
    session = schedule(group.id, facilitator)
    db.session.commit()
    return People(facilitator, member, other, outsider, admin, session)


@pytest.fixture
def joined(people, connect):
    """joined(user) -> a LiveClient that joined the session (its ack checked, queue cleared)."""

    def _joined(user: User, **payload: Any) -> LiveClient:
        client = connect(user)
        ok(client.call("join", {"session_id": people.session.id, **payload}))
        client.received()
        return client

    return _joined
