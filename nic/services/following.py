"""What each person follows: a level per thread and per group (watching, normal, muted).

No row means normal. Starting or replying to a thread makes you watch it,
unless you chose a level for it yourself (your choice stands).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from nic.database import begin_write
from nic.errors import ValidationError
from nic.extensions import db
from nic.models import FollowLevel, Group, GroupFollow, Thread, ThreadFollow, utcnow
from nic.policy import Person
from nic.services import upsert
from nic.services.discussions import get_thread_for
from nic.services.groups import get_group_for
from nic.services.visibility import group_listed

LEVELS = [level.value for level in FollowLevel]
LEVEL_LABELS = {
    FollowLevel.WATCHING.value: "Watching",
    FollowLevel.NORMAL.value: "Normal",
    FollowLevel.MUTED.value: "Muted",
}
LEVEL_HINTS = {
    FollowLevel.WATCHING.value: "Tell me of every new post.",
    FollowLevel.NORMAL.value: "Tell me when someone replies to me or mentions me.",
    FollowLevel.MUTED.value: "Never tell me about this.",
}


def clean_level(value: object) -> str:
    if value not in LEVELS:
        raise ValidationError("level", "Choose Watching, Normal or Muted.")
    return str(value)


def _level(model: type, column: sa.ColumnElement, user_id: int, key: int) -> str:
    level = db.session.scalar(sa.select(model.level).where(model.user_id == user_id, column == key))
    return level or FollowLevel.NORMAL.value


def thread_level(user: Person, thread_id: int) -> str:
    return _level(ThreadFollow, ThreadFollow.thread_id, user.id, thread_id)


def group_level(user: Person, group_id: int) -> str:
    return _level(GroupFollow, GroupFollow.group_id, user.id, group_id)


def _store(model: type, key_name: str, user_id: int, key: int, level: str) -> None:
    """Save a level; normal removes the row (the default needs none)."""
    if level == FollowLevel.NORMAL.value:
        db.session.execute(
            sa.delete(model).where(model.user_id == user_id, getattr(model, key_name) == key)
        )
        return
    now = utcnow()
    upsert.upsert(
        model,
        {"user_id": user_id, key_name: key, "level": level, "updated_at": now},
        ["user_id", key_name],
        {"level": level, "updated_at": now},
    )


def _set_level(
    user: Person, load: Callable[[Person, int], object], model: type, key_name: str,
    key: int, level: object,
) -> str:  # fmt: skip
    begin_write()
    clean = clean_level(level)
    load(user, key)  # raises NotFound for what the user may not see
    _store(model, key_name, user.id, key, clean)
    db.session.commit()
    return clean


def set_thread_level(user: Person, thread_id: int, level: object) -> str:
    """Follow a thread the user may see at `level`; raises NotFound, ValidationError."""
    return _set_level(user, get_thread_for, ThreadFollow, "thread_id", thread_id, level)


def set_group_level(user: Person, group_id: int, level: object) -> str:
    """Follow a group the user may see at `level`; raises NotFound, ValidationError."""
    return _set_level(user, get_group_for, GroupFollow, "group_id", group_id, level)


@dataclass(frozen=True)
class Followed:
    """One thing on the settings list of what you follow."""

    kind: str  # "thread" or "group"
    id: int
    title: str
    level: str
    group_name: str
    updated_at: datetime


def followed(user: Person) -> list[Followed]:
    """Every thread and group the user set a level on and may still see. Two queries."""
    groups_seen = (
        sa.true() if user.is_admin else group_listed(user.id)
    )  # a left group's private threads leave the list
    group_rows = db.session.execute(
        sa.select(GroupFollow, Group.name)
        .join(Group, Group.id == GroupFollow.group_id)
        .where(GroupFollow.user_id == user.id, groups_seen)
        .order_by(Group.name)
    )
    thread_rows = db.session.execute(
        sa.select(ThreadFollow, Thread.title, Group.name)
        .join(Thread, Thread.id == ThreadFollow.thread_id)
        .join(Group, Group.id == Thread.group_id)
        .where(ThreadFollow.user_id == user.id, groups_seen, Thread.post_count > 0)
        .where(sa.true() if user.is_admin else Thread.hidden.is_(False))
        .order_by(ThreadFollow.updated_at.desc())
        .limit(200)
    )
    return [
        Followed("group", f.group_id, name, f.level, name, f.updated_at) for f, name in group_rows
    ] + [
        Followed("thread", f.thread_id, title, f.level, name, f.updated_at)
        for f, title, name in thread_rows
    ]
