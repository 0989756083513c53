"""Each published practice's discussion: an ordinary thread, so replies, edits, read state,
pinning and locking are the discussions' own, not a second copy.

A group-only practice is discussed in its group (the same people see both);
a practice shared with the whole network in the "Practice library" group,
where anyone signed in may post (`Group.open_posting`). The thread follows
the practice: retitled with it, moved when its group changes, hidden (never
deleted: others' replies are their record) when it is deleted.
"""

from __future__ import annotations

import sqlalchemy as sa

from nic.database import begin_write
from nic.errors import PermissionDenied
from nic.extensions import db
from nic.models import Group, Practice, Thread, User
from nic.services import discussions, groups, read_state
from nic.services.validation import fit_title

LIBRARY_GROUP = "Practice library"
LIBRARY_DESCRIPTION = (
    "Questions, reflections and adaptations of the practices shared with the whole "
    "network. Anyone in the network can join the conversation."
)


def open_group(name: str, description: str) -> Group:
    """A network group anyone signed in may post in, for the discussions of things the
    whole network sees (practices, PDSA cycles): made on first need."""
    group = db.session.scalar(sa.select(Group).where(Group.name == name))
    if group is None:
        group = groups.create_group(None, groups.GroupFields(name, description, [], "network"))
        begin_write()
        group.open_posting = True
        db.session.commit()
    return group


def library_group() -> Group:
    """The open group of the network-wide practices' discussions (made on first need)."""
    return open_group(LIBRARY_GROUP, LIBRARY_DESCRIPTION)


def _home(practice: Practice) -> int:
    return practice.group_id if practice.group_id is not None else library_group().id


def thread_title(practice: Practice) -> str:
    return fit_title(f"Practice: {practice.title}")


def _opening(practice: Practice) -> str:
    return (
        f"This is the discussion of the practice **[{practice.title}](/practices/{practice.id})**."
        "\n\nAsk the authors a question, share how you adapted it, or point to evidence."
    )


def open_discussion(practice: Practice, *candidates: User) -> Thread | None:
    """Start the practice's thread if it has none: by its first candidate who may post there.

    Idempotent, and safe when two publishes race (the loser's thread is withdrawn).
    """
    if not practice.is_published or practice.thread_id is not None:
        return None
    home = _home(practice)
    for author in candidates:
        try:
            thread = discussions.start_thread(author, home, thread_title(practice),
                                              _opening(practice))  # fmt: skip
        except PermissionDenied:
            continue
        break
    else:
        return None
    begin_write()
    claimed = db.session.execute(
        sa.update(Practice)
        .where(Practice.id == practice.id, Practice.thread_id.is_(None))
        .values(thread_id=thread.id)
    ).rowcount
    if not claimed:
        read_state.thread_visibility_changed(thread, hidden=True)
        db.session.delete(thread)
    db.session.commit()
    db.session.refresh(practice)
    return thread if claimed else None


def follow(practice: Practice) -> None:
    """After an edit: the thread takes the practice's title and moves with its group."""
    if practice.thread_id is None:
        return
    begin_write()
    thread = db.session.get(Thread, practice.thread_id)
    if thread is None:
        return
    thread.title = thread_title(practice)
    home = _home(practice)
    if thread.group_id != home:
        read_state.thread_moved(thread, home)
    db.session.commit()


def withdraw(thread_id: int | None) -> None:
    """The practice was deleted: hide its thread (facilitators still see it)."""
    thread = db.session.get(Thread, thread_id) if thread_id is not None else None
    if thread is None or thread.hidden:
        return
    begin_write()
    read_state.thread_visibility_changed(thread, hidden=True)
    thread.hidden = True
    db.session.commit()


def discussion_of(practice: Practice) -> Thread | None:
    return db.session.get(Thread, practice.thread_id) if practice.thread_id else None
