"""Each PDSA cycle's discussion: an ordinary thread, as a practice's is (practice_discussion).

A cycle kept to a group is discussed in that group (the same people see
both); one the network may see, in the open "PDSA cycles" group, where anyone
signed in may post. The thread is started with the cycle, by its planner, and
takes the cycle's new title when the plan is renamed.
"""

from __future__ import annotations

from nic.database import begin_write
from nic.errors import PermissionDenied
from nic.extensions import db
from nic.models import Cycle, School, Thread, User
from nic.services import discussions
from nic.services.practice_discussion import open_group
from nic.services.validation import fit_title

CYCLES_GROUP = "PDSA cycles"
CYCLES_DESCRIPTION = (
    "The discussions of the network's PDSA cycles: ask a school about its test, share "
    "what you saw when you tried the same change idea."
)


def thread_title(cycle: Cycle, school: School) -> str:
    return fit_title(f"PDSA cycle: {cycle.title} ({school.name})")


def _opening(cycle: Cycle) -> str:
    return (
        f"This is the discussion of the PDSA cycle **[{cycle.title}](/cycles/{cycle.id})**."
        "\n\nAsk the school team about its plan, its data or its decision."
    )


def open_discussion(cycle: Cycle, school: School, planner: User) -> Thread | None:
    """Start the cycle's thread (once); None when the planner may not post in its home."""
    if cycle.thread_id is not None:
        return None
    home = cycle.group_id if cycle.group_id is not None else (
        open_group(CYCLES_GROUP, CYCLES_DESCRIPTION).id
    )  # fmt: skip
    try:
        thread = discussions.start_thread(planner, home, thread_title(cycle, school),
                                          _opening(cycle))  # fmt: skip
    except PermissionDenied:
        return None
    begin_write()
    cycle.thread_id = thread.id
    db.session.commit()
    return thread


def follow(cycle: Cycle, school: School) -> None:
    """After the plan is renamed: the thread takes the cycle's title."""
    thread = db.session.get(Thread, cycle.thread_id) if cycle.thread_id else None
    if thread is None or thread.title == thread_title(cycle, school):
        return
    begin_write()
    thread.title = thread_title(cycle, school)
    db.session.commit()


def discussion_of(cycle: Cycle) -> Thread | None:
    return db.session.get(Thread, cycle.thread_id) if cycle.thread_id else None
