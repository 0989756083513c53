"""Files of a PDSA cycle's Study: the data, charts and de-identified student work it looked at.

Checked and stored exactly as a practice's attachments are (nic.services.attachments:
by content, under random keys, no file left behind a refusal or a failed save). Whoever
may see the cycle may download its files (`get_cycle_for`: a private group's cycle file
is a 404 to outsiders); whoever may record the cycle (its school's people, co-owners,
admins) attaches and removes them.
"""

from __future__ import annotations

import sqlalchemy as sa

from nic.extensions import db
from nic.models import CycleAttachment, User
from nic.policy import Actor
from nic.services.access import load_with_parent, refusal
from nic.services.attachments import (
    NOT_FOUND,
    Removed,
    Room,
    Upload,
    delete_row,
    save_row,
    store_checked,
)
from nic.services.cycles import CycleAccess, get_cycle_for

MAX_FILES = 20
NO_EDIT = "Only the cycle's school team and co-owners can attach or remove its files."


def attach(
    access: CycleAccess, user: User, upload: Upload, caption: object, kind: object,
    deidentified: bool,
) -> CycleAttachment:  # fmt: skip
    """Attach a file to the cycle; raises PermissionDenied, ValidationError."""
    if not access.can_edit:
        raise refusal(user, NO_EDIT)
    cycle_id = access.cycle.id
    room = Room(CycleAttachment.cycle_id == cycle_id, MAX_FILES, "A cycle")
    stored = store_checked(upload, caption, kind, deidentified, room)
    return save_row(CycleAttachment(cycle_id=cycle_id, uploaded_by_id=user.id, **stored))


def files_of(cycle_id: int) -> list[CycleAttachment]:
    """The cycle's files, oldest first: one query however many there are."""
    return list(
        db.session.scalars(
            sa.select(CycleAttachment)
            .where(CycleAttachment.cycle_id == cycle_id)
            .order_by(CycleAttachment.id)
        )
    )


def get_for(user: Actor, file_id: int) -> tuple[CycleAttachment, CycleAccess]:
    """The file and its cycle if this user may see the cycle; else NotFound (the same answer
    as a file that does not exist)."""
    return load_with_parent(
        CycleAttachment, file_id, lambda f: get_cycle_for(user, f.cycle_id), NOT_FOUND
    )


def remove(user: Actor, file_id: int) -> Removed:
    """Whoever may record the cycle removes a file (`parent_id`: its cycle's): the row, then
    the stored file. Raises NotFound, PermissionDenied."""
    row, access = get_for(user, file_id)
    if not access.can_edit:
        raise refusal(user, NO_EDIT)
    return delete_row(row, row.cycle_id)
