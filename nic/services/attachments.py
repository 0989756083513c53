"""Files of evidence and resources on a practice: attach (checked by content), list, serve, remove.

A file's type is decided by its first bytes (and, for Word, PowerPoint and
Excel files, by the parts inside the zip), never by its name or the type the
browser claims; its name must agree. Files go to nic.storage under random
keys; a refused upload, or one whose row fails to save, leaves no file
behind. Downloads ask the same `get_practice_for` as the practice page.
The checking and storing (`store_checked`, `save_row`, `delete_row`) serve a
cycle's Study files too (nic.services.cycle_files).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, TypeVar

import sqlalchemy as sa

from nic.database import begin_write
from nic.errors import PermissionDenied, ValidationError
from nic.extensions import db
from nic.models import EVIDENCE_LABELS, FROM_STUDENTS, PracticeAttachment, StoredFile, User
from nic.policy import Actor
from nic.services import search_documents
from nic.services.access import load_with_parent
from nic.services.practices import PracticeAccess, get_practice_for, may_edit
from nic.services.validation import check_characters, clean_text
from nic.storage import TooLarge, storage

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 20
NAME_MAX = 160
CAPTION_MAX = 300
NOT_FOUND = "No such file."

# extension -> (content type, what its content must be)
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ppt/",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    "doc": ("application/msword", "ole"),
    "ppt": ("application/vnd.ms-powerpoint", "ole"),
    "xls": ("application/vnd.ms-excel", "ole"),
}
ACCEPTED = "PDF, Word, PowerPoint, Excel, PNG or JPEG"
_MAGIC = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpeg": b"\xff\xd8\xff",
    "ole": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
}


F = TypeVar("F", bound=StoredFile)


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the browser sent and its bytes."""

    filename: str
    stream: IO[bytes] | None

    @classmethod
    def of(cls, file: object) -> Upload:
        """From a werkzeug FileStorage (or None, for no file: refused by the services)."""
        return cls(getattr(file, "filename", "") or "", getattr(file, "stream", None))


def clean_filename(name: object) -> str:
    """The name without folders or invisible characters; raises ValidationError if none is left."""
    if not isinstance(name, str):
        raise ValidationError("file", "Choose a file to attach.")
    path = PurePath(name.replace("\\", "/"))
    if ".." in path.parts:
        raise ValidationError("file", 'The file name cannot point to other folders ("..").')
    base = path.name
    base = "".join(c for c in base if c.isprintable()).strip().strip(".")
    if check_characters(base) or not base or "." not in base:
        raise ValidationError("file", f"The file needs a name ending in its type ({ACCEPTED}).")
    if len(base) > NAME_MAX:
        stem, ext = base.rsplit(".", 1)
        base = f"{stem[: NAME_MAX - len(ext) - 1]}.{ext}"
    return base


def _content_is(expected: str, key: str) -> bool:
    with storage().open(key) as handle:
        head = handle.read(16)
        if expected in _MAGIC:
            return head.startswith(_MAGIC[expected])
        if not head.startswith(b"PK\x03\x04"):
            return False
        handle.seek(0)
        try:
            with zipfile.ZipFile(handle) as package:
                names = package.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
    return "[Content_Types].xml" in names and any(n.startswith(expected) for n in names)


def _check_details(caption: object, kind: object, deidentified: bool) -> tuple[str, str]:
    errors: dict[str, str] = {}
    try:
        text = clean_text("caption", caption, max_length=CAPTION_MAX)
    except ValidationError as exc:
        errors.update(exc.fields)
        text = ""
    if not isinstance(kind, str) or kind not in EVIDENCE_LABELS:
        errors["evidence_kind"] = "Choose what kind of evidence or resource it is."
    elif kind in FROM_STUDENTS and not deidentified:
        errors["deidentified"] = (
            "Confirm that students' names and identifying details were removed (FERPA)."
        )
    if errors:
        raise ValidationError(errors)
    return text, str(kind)


@dataclass(frozen=True)
class Room:
    """Where a file is going and how many may be there: `siblings` selects the files
    already on the same thing (a practice, a cycle), `limit` how many it may have."""

    siblings: sa.ColumnElement[bool]
    limit: int
    noun: str


def store_checked(
    upload: Upload, caption: object, kind: object, deidentified: bool, room: Room
) -> dict[str, object]:
    """Check an upload (its name, caption, kind, the room left, then its content) and store
    it under a random key: the fields of the row to save with `save_row`.

    A refused file leaves nothing stored. Raises ValidationError.
    """
    if upload.stream is None or not upload.filename:
        raise ValidationError("file", "Choose a file to attach.")
    name = clean_filename(upload.filename)
    caption_text, kind_value = _check_details(caption, kind, deidentified)
    extension = name.rsplit(".", 1)[1].lower()
    if extension not in KINDS:
        raise ValidationError("file", f"Attach a {ACCEPTED} file.")
    count = db.session.scalar(sa.select(sa.func.count()).where(room.siblings))
    if count >= room.limit:
        raise ValidationError("file", f"{room.noun} can have at most {room.limit} files.")
    try:
        key, size = storage().save(upload.stream, MAX_BYTES)
    except TooLarge:
        raise ValidationError("file", "The file is larger than 10 MB.") from None
    content_type, expected = KINDS[extension]
    problem = None
    if size == 0:
        problem = "The file is empty."
    elif not _content_is(expected, key):
        problem = f"The file's content is not a {extension.upper()} file: attach a {ACCEPTED} file."
    if problem:
        storage().delete(key)
        raise ValidationError("file", problem)
    return dict(
        storage_key=key, filename=name, content_type=content_type, size_bytes=size,
        caption=caption_text, evidence_kind=kind_value, deidentified=bool(deidentified),
    )  # fmt: skip


def save_row(row: F, also: Callable[[], object] = lambda: None) -> F:
    """Save the row of a stored file (and whatever `also` writes beside it) in one
    transaction; if it fails, the stored file is deleted too: no file without its row."""
    try:
        begin_write()
        db.session.add(row)
        also()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage().delete(row.storage_key)  # the row did not save: nor does the file stay
        raise
    return row


@dataclass(frozen=True)
class Removed:
    """What a removed file was: its name, and the id of the thing it was on."""

    filename: str
    parent_id: int


def delete_row(
    row: StoredFile, parent_id: int, also: Callable[[], object] = lambda: None
) -> Removed:
    """Delete a stored file's row (and write `also`), then, once committed, the file."""
    removed, key = Removed(row.filename, parent_id), row.storage_key
    begin_write()
    db.session.delete(row)
    also()
    db.session.commit()
    storage().delete(key)
    return removed


def attach(
    access: PracticeAccess, user: User, upload: Upload, caption: object, kind: object,
    deidentified: bool,
) -> PracticeAttachment:  # fmt: skip
    """Attach a file to the practice (its authors); raises PermissionDenied, ValidationError."""
    practice = may_edit(access).item
    room = Room(PracticeAttachment.practice_id == practice.id, MAX_FILES, "A practice")
    stored = store_checked(upload, caption, kind, deidentified, room)
    row = PracticeAttachment(practice_id=practice.id, uploaded_by_id=user.id, **stored)
    return save_row(row, lambda: search_documents.refresh_practice(practice.id))


def attachments_of(practice_id: int) -> list[PracticeAttachment]:
    return list(
        db.session.scalars(
            sa.select(PracticeAttachment)
            .where(PracticeAttachment.practice_id == practice_id)
            .order_by(PracticeAttachment.id)
        )
    )


def get_attachment_for(
    user: Actor, attachment_id: int
) -> tuple[PracticeAttachment, PracticeAccess]:
    """The file and its practice if this user may see the practice; else NotFound (the same
    answer as a file that does not exist)."""
    return load_with_parent(
        PracticeAttachment, attachment_id,
        lambda attachment: get_practice_for(user, attachment.practice_id), NOT_FOUND,
    )  # fmt: skip


def remove(user: Actor, attachment_id: int) -> Removed:
    """An author removes a file: the row, then the stored file.

    Raises NotFound, PermissionDenied.
    """
    attachment, access = get_attachment_for(user, attachment_id)
    if not access.is_author:
        raise PermissionDenied("Only the practice's authors can remove its files.")
    practice_id = attachment.practice_id
    return delete_row(
        attachment, practice_id, lambda: search_documents.refresh_practice(practice_id)
    )
