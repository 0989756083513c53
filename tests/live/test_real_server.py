"""The live protocol against a real server process (`python wsgi.py`, gevent) and real clients.

What the in-process test client cannot show: a client that drops and
reconnects catches up exactly, a resend stores one row, acknowledged
messages survive the server being killed with SIGKILL, origins are checked
on the real handshake, and (with Redis) two server processes share rooms.
Every wait is bounded and every server is killed in a `finally`.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis as redis_lib
import socketio
import sqlalchemy as sa

from nic import create_app
from nic.extensions import db
from nic.realtime.installation import presence_prefix
from nic.services import tokens
from nic.services.live import sessions as live_sessions
from tests.factories import in_session, make_group, make_user
from tests.servers import ROOT, free_port, migrate, server_env

pytestmark = pytest.mark.server

NAMESPACE = "/live"
WAIT_S = 10.0
SECRET = "real-server-test-secret"
# Servers started by `server()`, so the durability test can kill them mid-block.
proc_holder: list[subprocess.Popen] = []


@dataclass
class World:
    db_path: Path
    env: dict[str, str]
    session_id: int
    reader: str  # API tokens
    writer: str
    group_id: int = 0
    facilitator_id: int = 0
    reader_id: int = 0
    writer_id: int = 0


@pytest.fixture
def world(tmp_path, monkeypatch) -> World:
    monkeypatch.setenv("NIC_SECRET_KEY", SECRET)
    monkeypatch.delenv("NIC_MESSAGE_QUEUE", raising=False)
    return make_world(tmp_path)


def make_world(directory: Path) -> World:
    """A migrated SQLite file with a group, a live session and two members' tokens."""
    directory.mkdir(parents=True, exist_ok=True)
    db_path = directory / "live.sqlite3"
    env = server_env(
        f"sqlite:///{db_path}", NIC_SECRET_KEY=SECRET, NIC_RATELIMIT_STORAGE_URI="memory://"
    )
    migrate(env)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": env["NIC_DATABASE_URL"], "NIC_ASYNC_MODE": "threading"}
    )
    with app.app_context():
        facilitator = make_user("Fran Facilitator", job_role="facilitator")
        reader, writer = make_user("Rita Reader"), make_user("Walt Writer")
        group = make_group(visibility="private", facilitator=facilitator, members=[reader, writer])
        starts = datetime.now(UTC)
        session = live_sessions.schedule_session(
            facilitator, group.id,
            live_sessions.SessionFields("Catch-up drill", "", starts, starts + timedelta(hours=1)),
        )  # fmt: skip
        live_sessions.start_session(in_session(facilitator, session.id))
        world = World(
            db_path, env, session.id,
            tokens.create_token(reader, "test").secret, tokens.create_token(writer, "test").secret,
            group.id, facilitator.id, reader.id, writer.id,
        )  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    return world


@contextlib.contextmanager
def server(world: World, tmp_path: Path, **extra_env: str) -> Iterator[str]:
    """`python wsgi.py` on a free port; yields its URL; always killed afterwards."""
    port = free_port()
    log = tmp_path / f"server-{port}.log"
    env = {**world.env, "NIC_PORT": str(port), **extra_env}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, log.read_text()
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        proc_holder.append(proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=WAIT_S)
        if proc in proc_holder:
            proc_holder.remove(proc)
        text = log.read_text()
        assert "Traceback" not in text, text


def kill_servers() -> None:
    """SIGKILL every server started so far (the crash in the durability test)."""
    for proc in list(proc_holder):
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=WAIT_S)


class Client:
    """A real python-socketio client over WebSocket, recording what it receives."""

    def __init__(self, url: str, token: str, **connect_kwargs: Any) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.events: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        self.sio.on("*", self._record, namespace=NAMESPACE)
        options = {"transports": ["websocket"], **connect_kwargs}
        self.sio.connect(
            url, auth={"token": token}, namespaces=[NAMESPACE], wait_timeout=WAIT_S, **options
        )

    def _record(self, event: str, data: Any = None) -> None:
        with self.lock:
            self.events.append((event, data))

    def call(self, event: str, data: dict) -> dict:
        return self.sio.call(event, data, namespace=NAMESPACE, timeout=WAIT_S)

    def received(self, name: str) -> list[Any]:
        with self.lock:
            return [data for event, data in self.events if event == name]

    def wait_for(self, name: str, count: int) -> list[Any]:
        deadline = time.monotonic() + WAIT_S
        while len(self.received(name)) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received(name)

    def close(self) -> None:
        self.sio.disconnect()


def ok(ack: Any) -> dict:
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def send(client: Client, session_id: int, body: str, cmid: str | None = None) -> dict:
    payload = {"session_id": session_id, "body": body, "client_msg_id": cmid or uuid.uuid4().hex}
    return ok(client.call("send", payload))["message"]


def stored(world: World, column: str = "id") -> list[Any]:
    with contextlib.closing(sqlite3.connect(world.db_path)) as conn:
        query = f"SELECT {column} FROM chat_message WHERE session_id = ? ORDER BY id"  # noqa: S608
        return [row[0] for row in conn.execute(query, (world.session_id,))]


def test_reconnect_catches_up_exactly_and_a_resend_stores_one_row(world, tmp_path):
    with server(world, tmp_path) as url:
        reader = Client(url, world.reader)
        ok(reader.call("join", {"session_id": world.session_id}))
        last_seen = send(reader, world.session_id, "The last one Rita saw")["id"]
        reader.close()
        writer = Client(url, world.writer)
        ok(writer.call("join", {"session_id": world.session_id}))
        missed = [send(writer, world.session_id, f"Missed {i}", f"w-{i}") for i in range(3)]
        back = Client(url, world.reader)
        ack = ok(back.call("join", {"session_id": world.session_id, "after_id": last_seen}))
        assert ack["messages"] == missed
        assert [m["body"] for m in ack["messages"]] == ["Missed 0", "Missed 1", "Missed 2"]

        again = send(writer, world.session_id, "Missed 0", "w-0")  # the ack was "lost"
        assert again == missed[0]
        assert stored(world, "client_msg_id").count("w-0") == 1
        live = send(writer, world.session_id, "Now live")
        assert back.wait_for("message", 1) == [live]  # the resend was not broadcast again
        back.close()
        writer.close()


def test_cross_origin_and_anonymous_clients_are_refused(world, tmp_path):
    """The handshake checks Origin (same origin only); connecting needs a valid token."""
    with server(world, tmp_path) as url:
        with pytest.raises(socketio.exceptions.ConnectionError):
            Client(url, world.reader, transports=["polling"],
                   headers={"Origin": "https://evil.example"})  # fmt: skip
        with pytest.raises(socketio.exceptions.ConnectionError):
            Client(url, "nic_not-a-token")
        same_origin = Client(url, world.reader, transports=["polling"], headers={"Origin": url})
        ok(same_origin.call("join", {"session_id": world.session_id}))
        same_origin.close()


def test_every_acknowledged_message_survives_sigkill(world, tmp_path):
    with server(world, tmp_path) as url:
        writer = Client(url, world.writer)
        ok(writer.call("join", {"session_id": world.session_id}))
        acked = [send(writer, world.session_id, f"Durable {i}")["id"] for i in range(8)]
        kill_servers()  # at once, right after the last ack
        with contextlib.suppress(Exception):
            writer.close()
    assert set(acked) <= set(stored(world))
    with server(world, tmp_path) as url:
        reader = Client(url, world.reader)
        ack = ok(reader.call("join", {"session_id": world.session_id, "after_id": 0}))
        assert [m["id"] for m in ack["messages"]] == acked
        reader.close()


def forget_presence(redis: str, world: World) -> None:
    """Remove what the world's servers counted in Redis (killed servers leave entries)."""
    prefix = presence_prefix({"SQLALCHEMY_DATABASE_URI": world.env["NIC_DATABASE_URL"]})
    client = redis_lib.Redis.from_url(redis)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def shared_redis(redis, world) -> Iterator[dict[str, str]]:
    """Settings for servers that share Redis. Each test's database is new, so its
    servers' presence keys are new too (installation.py); they are removed after."""
    yield {"NIC_MESSAGE_QUEUE": redis, "NIC_RATELIMIT_STORAGE_URI": redis}
    forget_presence(redis, world)


def test_two_server_processes_share_the_room_and_the_rate_limit(world, tmp_path, shared_redis):
    shared = shared_redis
    with server(world, tmp_path, **shared) as one, server(world, tmp_path, **shared) as two:
        reader, writer = Client(one, world.reader), Client(two, world.writer)
        for client in (reader, writer):
            ok(client.call("join", {"session_id": world.session_id}))
        sent = [send(writer, world.session_id, f"Across {i}") for i in range(3)]
        assert reader.wait_for("message", 3) == sent
        # The writer's limit (10 in 10 s) is counted across both processes.
        other = Client(one, world.writer)
        more = {"session_id": world.session_id, "body": "More"}
        codes = [other.call("send", {**more, "client_msg_id": f"m{i}"}) for i in range(8)]
        assert [c["ok"] for c in codes].count(True) == 7
        assert codes[-1]["error"]["code"] == "rate_limited"
        for client in (reader, writer, other):
            client.close()


def test_removed_member_is_dropped_by_the_process_holding_their_socket(
    world, tmp_path, redis, shared_redis
):
    """Removal handled by one process drops the member's socket held by another."""
    with reader_and_writer_apart(world, tmp_path, shared_redis) as (reader, writer):
        send(writer, world.session_id, "Before the removal")
        assert len(reader.wait_for("message", 1)) == 1

        # A third process (this one) removes the member; it holds none of the sockets.
        with other_process(world, redis):
            from nic.models import User
            from nic.services import groups

            groups.remove_member(db.session.get(User, world.facilitator_id), world.group_id,
                                 world.reader_id)  # fmt: skip

        assert reader.wait_for("member_removed", 1) == [
            {"group_id": world.group_id, "user_id": world.reader_id}
        ]
        assert disconnected(reader)
        send(writer, world.session_id, "After the removal: not for the removed member")
        time.sleep(0.5)
        assert [m["body"] for m in reader.received("message")] == ["Before the removal"]
        writer.close()


def disconnected(client: Client) -> bool:
    """Whether the server closes the client's socket within the wait."""
    deadline = time.monotonic() + WAIT_S
    while client.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    return not client.sio.connected


@contextlib.contextmanager
def other_process(world: World, redis: str) -> Iterator[None]:
    """An app context on the same database and queue, in this test's process (no sockets)."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": world.env["NIC_DATABASE_URL"],
         "NIC_ASYNC_MODE": "threading", "NIC_MESSAGE_QUEUE": redis}
    )  # fmt: skip
    with app.app_context():
        yield
        db.session.remove()
        db.engine.dispose()


@contextlib.contextmanager
def reader_and_writer_apart(
    world: World, tmp_path: Path, shared: dict[str, str]
) -> Iterator[tuple[Client, Client]]:
    """Two servers on one queue; the reader joined on one, the writer on the other."""
    with server(world, tmp_path, **shared) as one, server(world, tmp_path, **shared) as two:
        reader, writer = Client(two, world.reader), Client(one, world.writer)
        for client in (reader, writer):
            ok(client.call("join", {"session_id": world.session_id}))
        yield reader, writer


def test_a_revoked_token_is_dropped_by_the_process_holding_its_socket(
    world, tmp_path, redis, shared_redis
):
    with reader_and_writer_apart(world, tmp_path, shared_redis) as (reader, writer):
        with other_process(world, redis):
            from nic.models import ApiToken, User

            token_id = db.session.scalar(
                sa.select(ApiToken.id).where(ApiToken.user_id == world.reader_id)
            )
            tokens.revoke_token(db.session.get(User, world.reader_id), token_id)
        assert disconnected(reader)
        assert writer.sio.connected  # another person's token is untouched
        send(writer, world.session_id, "After the revocation")
        writer.close()


def presence_of(client: Client, user_id: int, count: int = 0) -> list[str]:
    """`presence` actions about one person; with `count`, waits (bounded) for that many."""
    deadline = time.monotonic() + WAIT_S
    while True:
        actions = [e["action"] for e in client.received("presence") if user_id in (
            e.get("user_id"), (e.get("participant") or {}).get("id"))]  # fmt: skip
        if len(actions) >= count or time.monotonic() > deadline:
            return actions
        time.sleep(0.1)


@contextlib.contextmanager
def two_processes(
    world: World, tmp_path: Path, shared: dict[str, str]
) -> Iterator[tuple[str, str]]:
    """Two servers on one Redis that take a process silent for 2 s for dead."""
    with server(world, tmp_path, **shared, NIC_PRESENCE_TTL="2") as one, \
         server(world, tmp_path, **shared, NIC_PRESENCE_TTL="2") as two:  # fmt: skip
        yield one, two


def online_after_join(client: Client, session_id: int) -> set[str]:
    """Join (or join again); the names of the people the ack lists as here."""
    here = ok(client.call("join", {"session_id": session_id}))["session"]["participants"]
    return {p["name"] for p in here if p["online"]}


def test_presence_is_per_person_across_processes_and_survives_a_dead_one(
    world, tmp_path, shared_redis
):
    """Tabs on two processes are one person; a killed process's people leave within the TTL."""
    sid = world.session_id
    with two_processes(world, tmp_path, shared_redis) as (one, two):
        rita_on_one = Client(one, world.reader)
        online_after_join(rita_on_one, sid)
        walt = Client(two, world.writer)
        assert online_after_join(walt, sid) == {"Rita Reader", "Walt Writer"}

        rita_on_two = Client(two, world.reader)  # a second tab, on the other process
        online_after_join(rita_on_two, sid)
        rita_on_one.close()  # Rita is still here, through process two
        time.sleep(0.5)
        assert presence_of(walt, world.reader_id) == []

        online_after_join(Client(one, world.reader), sid)
        rita_on_two.close()  # now only on process one
        time.sleep(0.5)
        assert presence_of(walt, world.reader_id) == []

        proc_holder[0].send_signal(signal.SIGKILL)  # process one dies with Rita's only tab
        assert presence_of(walt, world.reader_id, count=1) == ["left"]
        assert online_after_join(walt, sid) == {"Walt Writer"}
        walt.close()


def test_people_of_a_stalled_process_are_announced_back_when_it_resumes(
    world, tmp_path, shared_redis
):
    """SIGSTOP past the TTL: the survivor announces Rita `left`; SIGCONT: `joined` again."""
    sid = world.session_id
    with two_processes(world, tmp_path, shared_redis) as (one, two):
        rita, walt = Client(one, world.reader), Client(two, world.writer)
        online_after_join(rita, sid)
        online_after_join(walt, sid)
        stalled = proc_holder[0]
        stalled.send_signal(signal.SIGSTOP)  # process one freezes, Rita's socket open
        try:
            assert presence_of(walt, world.reader_id, count=1) == ["left"]
        finally:
            stalled.send_signal(signal.SIGCONT)
        assert presence_of(walt, world.reader_id, count=2) == ["left", "joined"]
        assert online_after_join(walt, sid) == {"Rita Reader", "Walt Writer"}
        sent = send(rita, sid, "Still here")  # her socket lived through it
        assert walt.wait_for("message", 1)[-1]["id"] == sent["id"]
        rita.close()
        walt.close()


def test_two_installations_sharing_one_redis_do_not_hear_each_other(
    world, tmp_path, redis, shared_redis
):
    """Both have a session 1 with the same people: no message or presence crosses over."""
    sid = world.session_id
    theirs = make_world(tmp_path / "another-network")
    assert theirs.session_id == sid  # the same room name in both
    try:
        with server(world, tmp_path, **shared_redis) as our_url, \
             server(theirs, tmp_path, **shared_redis) as their_url:  # fmt: skip
            their_rita = Client(their_url, theirs.reader)
            assert online_after_join(their_rita, sid) == {"Rita Reader"}
            rita, walt = Client(our_url, world.reader), Client(our_url, world.writer)
            online_after_join(rita, sid)
            assert online_after_join(walt, sid) == {"Rita Reader", "Walt Writer"}
            sent = send(walt, sid, "For our network only")
            assert rita.wait_for("message", 1) == [sent]

            assert online_after_join(their_rita, sid) == {"Rita Reader"}
            their_own = send(their_rita, sid, "Theirs only")
            assert their_rita.wait_for("message", 1) == [their_own]
            time.sleep(0.5)
            assert presence_of(their_rita, world.writer_id) == []
            assert [m["body"] for m in rita.received("message")] == ["For our network only"]
            for client in (their_rita, rita, walt):
                client.close()
    finally:
        forget_presence(redis, theirs)


def test_a_deeply_nested_event_is_refused_and_garbage_closes_only_its_connection(world, tmp_path):
    """Packets written by hand: 50,000 levels of `[` get an error ack; text that is not a
    Socket.IO packet closes that connection. Neither logs a traceback (`server` checks)."""
    with server(world, tmp_path) as url:
        nested, garbage = Client(url, world.reader), Client(url, world.writer)
        acked = threading.Event()
        acks: list[Any] = []
        # The packet is written by hand (the library's encoder would recurse too deep
        # itself), under an ack id taken from the client.
        ack_id = nested.sio._generate_ack_id(NAMESPACE, lambda *a: (acks.append(a), acked.set()))
        depth = 50_000
        nested.sio.eio.send(f'2{NAMESPACE},{ack_id}["send",' + "[" * depth + "]" * depth + "]")
        assert acked.wait(WAIT_S)
        message = "The payload is nested more than 32 levels deep."
        assert acks == [({"ok": False, "error": {"code": "invalid", "message": message}},)]
        garbage.sio.eio.send("this is not a Socket.IO packet")
        assert disconnected(garbage)
        assert nested.sio.connected
        ok(nested.call("join", {"session_id": world.session_id}))
        nested.close()
