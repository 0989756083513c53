"""Sign-ins on the server: start one, find the one a cookie names, list them, end them.

Flask-Login keeps `user.get_id()` in the session cookie and in the
remember-me cookie. nic makes that id a random key for one `LoginSession`
row (stored only as its SHA-256), so ending the row ends both cookies
wherever they were copied to, and any /live socket opened with them is
disconnected, in every server process (`events.signed_out`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value

from nic import events
from nic.database import begin_write
from nic.errors import NotFound
from nic.extensions import db
from nic.models import LoginSession, User, as_utc, utcnow
from nic.services.devices import device_label

KEY_MAX = 100  # longer than any key nic makes: not worth hashing
USER_AGENT_MAX = 400
# Writing last_seen_at on every page would turn every read into a write.
SEEN_RESOLUTION = timedelta(minutes=5)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def idle_limit() -> timedelta:
    """How long an unused sign-in lasts: as long as the remember-me cookie."""
    return current_app.config["REMEMBER_COOKIE_DURATION"]


def start_login(user: User, user_agent: str | None) -> str:
    """Record a new sign-in of this user and return its key (for the cookies).

    Sign-ins of theirs unused for longer than `idle_limit` are deleted on the way.
    """
    begin_write()
    now = utcnow()
    db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.last_seen_at < now - idle_limit()
        )
    )
    key = secrets.token_urlsafe(32)
    agent = (user_agent or "")[:USER_AGENT_MAX]
    db.session.add(
        LoginSession(
            user_id=user.id, key_hash=_hash(key), user_agent=agent, created_at=now, last_seen_at=now
        )
    )
    # By statement: `user` may belong to another session (a caller's), which must not be
    # left with a change of its own to write later.
    db.session.execute(sa.update(User).where(User.id == user.id).values(signed_in_at=now))
    set_committed_value(user, "signed_in_at", now)
    db.session.commit()
    user.login_key = key
    return key


@cache
def _by_key() -> sa.Select:
    return (
        sa.select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.key_hash == sa.bindparam("key_hash"))
    )


def load_login(key: object) -> tuple[User, LoginSession] | None:
    """The active user and live sign-in this cookie key names, else None. One query."""
    if not isinstance(key, str) or not key or len(key) > KEY_MAX:
        return None
    row = db.session.execute(_by_key(), {"key_hash": _hash(key)}).first()
    if row is None:
        return None
    login, user = row
    now = utcnow()
    seen = as_utc(login.last_seen_at)
    if not user.is_active or now - seen > idle_limit():
        return None
    if now - seen > SEEN_RESOLUTION:
        begin_write()
        login.last_seen_at = now
        db.session.commit()
    user.login_key = key
    return user, login


@dataclass(frozen=True)
class LoginView:
    """A sign-in as settings lists it."""

    id: int
    device: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


def list_logins(user: User, current_id: int | None) -> list[LoginView]:
    """The user's live sign-ins, the most recently used first."""
    rows = db.session.scalars(
        sa.select(LoginSession)
        .where(
            LoginSession.user_id == user.id,
            LoginSession.last_seen_at >= utcnow() - idle_limit(),
        )
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
    )
    return [
        LoginView(
            login.id,
            device_label(login.user_agent),
            login.created_at,
            login.last_seen_at,
            login.id == current_id,
        )
        for login in rows
    ]


def _end(
    user: User, condition: sa.ColumnElement[bool] | None = None, every_socket: bool = False
) -> list[int]:
    """Delete the user's sign-ins matching `condition` (all without one); their ids.

    Their sockets are dropped; `every_socket` drops the token-opened ones too.
    """
    begin_write()
    query = sa.delete(LoginSession).where(LoginSession.user_id == user.id)
    if condition is not None:
        query = query.where(condition)
    ended = list(db.session.scalars(query.returning(LoginSession.id)))
    db.session.commit()
    if every_socket:
        events.signed_out(user.id, None)
    elif ended:
        events.signed_out(user.id, [events.login_credential(i) for i in ended])
    return ended


def end_login(user: User, login_id: int) -> None:
    """End one of the user's own sign-ins; raises NotFound for anyone else's."""
    if not _end(user, LoginSession.id == login_id):
        raise NotFound("No such sign-in: it may have ended already.")


def end_other_logins(user: User, keep_id: int | None) -> list[int]:
    """End every sign-in of the user but `keep_id` (the one they are using)."""
    return _end(user, LoginSession.id != keep_id if keep_id is not None else None)


def end_all_logins(user: User, *, every_socket: bool = False) -> list[int]:
    """Sign the user out everywhere (`every_socket`: close token-opened sockets too)."""
    return _end(user, every_socket=every_socket)
