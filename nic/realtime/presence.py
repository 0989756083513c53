"""Who is connected, as this process sees it: socket -> user, and who is in which session.

Socket handlers keep their own map instead of writing to the Flask session
(convention 9), and re-load the user from it on every event. Presence counts
people, not tabs: `enter` says whether this was the person's first socket in
the session and `exit` whether it was their last, so `presence` is broadcast
once per person. One registry per app (tests build many apps) lives in
`app.extensions`; the lock makes it safe under threads and greenlets alike.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import current_app

EXTENSION_KEY = "nic_live_presence"


@dataclass
class Presence:
    users: dict[str, int] = field(default_factory=dict)  # sid -> user id
    joined: dict[str, dict[int, int]] = field(default_factory=dict)  # sid -> {session: group}
    online: dict[int, dict[int, set[str]]] = field(default_factory=dict)  # session -> user -> sids
    lock: threading.Lock = field(default_factory=threading.Lock)

    def connect(self, sid: str, user_id: int) -> None:
        with self.lock:
            self.users[sid] = user_id
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
            if user_id is None:
                return False
            self.joined.setdefault(sid, {})[session_id] = group_id
            sids = self.online.setdefault(session_id, {}).setdefault(user_id, set())
            first = not sids
            sids.add(sid)
            return first

    def exit(self, sid: str, session_id: int) -> bool:
        """Take the socket out of the session; True if it was the person's last there."""
        with self.lock:
            return self._exit(sid, session_id)

    def _exit(self, sid: str, session_id: int) -> bool:
        user_id = self.users.get(sid)
        if user_id is None or self.joined.get(sid, {}).pop(session_id, None) is None:
            return False
        people = self.online.get(session_id, {})
        sids = people.get(user_id, set())
        sids.discard(sid)
        if sids:
            return False
        people.pop(user_id, None)
        if not people:
            self.online.pop(session_id, None)
        return True

    def disconnect(self, sid: str) -> tuple[int | None, list[int]]:
        """Forget the socket: its user and the sessions it was the person's last socket in."""
        with self.lock:
            last = [s for s in list(self.joined.get(sid, {})) if self._exit(sid, s)]
            self.joined.pop(sid, None)
            return self.users.pop(sid, None), last

    def online_user_ids(self, session_id: int) -> set[int]:
        with self.lock:
            return set(self.online.get(session_id, {}))

    def sockets_in_group(self, user_id: int, group_id: int) -> list[str]:
        """The person's sockets that joined any session of this group."""
        with self.lock:
            return [
                sid
                for sid, uid in self.users.items()
                if uid == user_id and group_id in self.joined.get(sid, {}).values()
            ]


def current_presence() -> Presence:
    """This app's registry (created on first use)."""
    return current_app.extensions.setdefault(EXTENSION_KEY, Presence())
