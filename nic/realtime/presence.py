"""Who is connected: this process's sockets, and (through a roster) who is in which session.

Socket handlers keep their own map instead of writing to the Flask session
(convention 9), and re-load the user from it on every event. Presence counts
people, not tabs: `enter` says whether this was the person's first socket in
the session and `exit` whether it was their last, so `presence` is broadcast
once per person. The counting is the roster's (`roster.py`): in memory for
one process, in Redis when several processes share NIC_MESSAGE_QUEUE, so a
person with tabs on two processes is still one person.

One registry per app (tests build many apps) lives in `app.extensions`; the
lock makes it safe under threads and greenlets alike, and keeps this
process's counts and the roster's in step.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

from nic.realtime.installation import presence_prefix
from nic.realtime.roster import DEFAULT_TTL_S, Beat, LocalRoster, RedisRoster, Roster

EXTENSION_KEY = "nic_live_presence"
log = logging.getLogger(__name__)


@dataclass
class Presence:
    roster: Roster = field(default_factory=LocalRoster)
    users: dict[str, int] = field(default_factory=dict)  # sid -> user id
    # sid -> what it signed in with ("login:<id>" or "token:<id>", see events.py)
    credentials: dict[str, str] = field(default_factory=dict)
    joined: dict[str, dict[int, int]] = field(default_factory=dict)  # sid -> {session: group}
    lock: threading.Lock = field(default_factory=threading.Lock)
    heartbeat_started: bool = False

    def connect(self, sid: str, user_id: int, credential: str) -> None:
        with self.lock:
            self.users[sid] = user_id
            self.credentials[sid] = credential
            self.joined[sid] = {}

    def user_of(self, sid: str) -> int | None:
        return self.users.get(sid)

    def sessions_of(self, sid: str) -> dict[int, int]:
        """{session id: group id} this socket has joined."""
        with self.lock:
            return dict(self.joined.get(sid, {}))

    def enter(self, sid: str, session_id: int, group_id: int) -> bool:
        """Mark the socket as in the session; True if it is the person's first there."""
        with self.lock:
            user_id = self.users.get(sid)
            sessions = self.joined.get(sid)
            if user_id is None or sessions is None or session_id in sessions:
                return False
            sessions[session_id] = group_id
            return self.roster.add(session_id, user_id)

    def exit(self, sid: str, session_id: int) -> bool:
        """Take the socket out of the session; True if it was the person's last there."""
        with self.lock:
            return self._exit(sid, session_id)

    def _exit(self, sid: str, session_id: int) -> bool:
        user_id = self.users.get(sid)
        if user_id is None or self.joined.get(sid, {}).pop(session_id, None) is None:
            return False
        return self.roster.remove(session_id, user_id)

    def disconnect(self, sid: str) -> tuple[int | None, list[int]]:
        """Forget the socket: its user and the sessions it was the person's last socket in."""
        with self.lock:
            last = [s for s in list(self.joined.get(sid, {})) if self._exit(sid, s)]
            self.joined.pop(sid, None)
            self.credentials.pop(sid, None)
            return self.users.pop(sid, None), last

    def online_user_ids(self, session_id: int) -> set[int]:
        with self.lock:
            return self.roster.user_ids(session_id)

    def sockets_in_group(self, user_id: int, group_id: int) -> list[str]:
        """The person's sockets (in this process) that joined any session of this group."""
        with self.lock:
            return [
                sid
                for sid, uid in self.users.items()
                if uid == user_id and group_id in self.joined.get(sid, {}).values()
            ]

    def sockets_signed_in_with(self, user_id: int, credentials: list[str] | None) -> list[str]:
        """The person's sockets (in this process) opened with one of `credentials` (None: any)."""
        with self.lock:
            return [
                sid
                for sid, uid in self.users.items()
                if uid == user_id
                and (credentials is None or self.credentials.get(sid) in credentials)
            ]

    def beat(self) -> Beat:
        """The roster's heartbeat: who left with a dead process, who is back with this one."""
        with self.lock:
            return self.roster.beat()


def build_presence(app: Flask) -> Presence:
    """A registry whose roster is Redis when the app shares a message queue, else memory."""
    url = app.config.get("NIC_MESSAGE_QUEUE")
    if not url:
        return Presence()
    ttl = float(app.config.get("NIC_PRESENCE_TTL", DEFAULT_TTL_S))
    return Presence(roster=RedisRoster(url, prefix=presence_prefix(app.config), ttl_s=ttl))


def current_presence() -> Presence:
    """This app's registry (created on first use)."""
    app = current_app._get_current_object()
    presence = app.extensions.get(EXTENSION_KEY)
    if presence is None:
        presence = app.extensions.setdefault(EXTENSION_KEY, build_presence(app))
    return presence


def keep_counted(
    presence: Presence,
    sleep: Callable[[float], object],
    on_change: Callable[[Beat], None],
) -> None:
    """The heartbeat loop of a process whose roster needs one (run as a background task).

    Each beat keeps this process counted and reaps dead ones; `on_change`
    hears who left with them, and who is back because this process was only
    stalled and had been taken for dead. A failed beat (Redis briefly away)
    is logged and retried at the next one: presence must not take the server
    down.
    """
    assert presence.roster.heartbeat_s is not None
    while True:
        try:
            beat = presence.beat()
            if beat.left or beat.back:
                on_change(beat)
        except Exception:
            log.exception("Presence heartbeat failed; retrying")
        sleep(presence.roster.heartbeat_s)
