"""What names this installation in a shared Redis: its rooms, presence and rate limits.

Two nic installations both have a session 1, a user 7 and a room
`session:1`. Sharing one Redis server, they must not hear each other:
Redis pub/sub ignores the database number (a message published while on
database 1 reaches subscribers on database 0), so a separate database does
not keep broadcasts apart. Everything nic puts in Redis is therefore
scoped by its database: every process of one installation uses the same
NIC_DATABASE_URL, so they share one scope, and no other installation does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import make_url


def installation_scope(config: Mapping[str, Any]) -> str:
    """A short, stable name for the installation behind this database URL.

    The password is left out, so changing it does not move the installation.
    """
    url = make_url(config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def queue_channel(config: Mapping[str, Any]) -> str:
    """The Redis pub/sub channel that relays this installation's Socket.IO emits."""
    return f"nic:{installation_scope(config)}:socketio"


def presence_prefix(config: Mapping[str, Any]) -> str:
    """The key prefix of this installation's presence roster."""
    return f"nic:{installation_scope(config)}:presence:"
