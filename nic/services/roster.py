"""Roster import: a network's districts, schools and people from the CSV files a district
exports, previewed before anything is saved, then saved in one transaction.

`check_roster` reads the files and plans them against the network (nic.services.
roster_plan) and records the preview; `import_roster` does the same inside a write
transaction and, when no row has an error, saves the whole plan with a few bulk
statements (nic.services.roster_save) whatever the number of rows. Both record a
RosterImport, so the API can answer for it later. Re-importing the same files changes
nothing; people missing from a people file are only listed (deactivating them is the
admin's separate action). Network administrators only (the CLI: `actor` None).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from nic.database import begin_write
from nic.errors import NotFound, ValidationError
from nic.extensions import db
from nic.models import ImportStatus, RosterImport, User, utcnow
from nic.policy import Actor
from nic.services import csv_files, roster_files, roster_save
from nic.services.org import require_admin
from nic.services.roster_changes import ACTIONS, Plan
from nic.services.roster_network import Network
from nic.services.roster_plan import make_plan

RosterUpload = tuple[str, bytes]  # a file's name and bytes


class RosterRefused(ValidationError):
    """Rows of the files have errors: nothing was saved; `record` is the preview kept."""

    def __init__(self, record: RosterImport) -> None:
        count = record.errors
        some = "1 row has a problem" if count == 1 else f"{count:,} rows have problems"
        super().__init__({}, f"{some}: nothing was saved. Correct the files and import them again.")
        self.record = record


@dataclass(frozen=True)
class Outcome:
    """A check or an import: its record and the plan it showed (or saved)."""

    record: RosterImport
    plan: Plan


def may_import(actor: Actor | None) -> None:
    """Raises PermissionDenied unless this person may import a roster (before reading files,
    so a refusal is the same whatever was sent)."""
    require_admin(actor)


def read_upload(name: str, stream: IO[bytes]) -> RosterUpload:
    """An uploaded roster file: its name as shown and its bytes; raises ValidationError
    ("file") for an empty file or one over roster_files.MAX_BYTES."""
    data = csv_files.read_upload(stream, roster_files.MAX_BYTES, roster_files.ROWS_HINT)
    return roster_files.file_name(name), data


def _plan(files: list[RosterUpload]) -> tuple[Plan, Network]:
    read = roster_files.read_files(files)
    network = Network.load(read)
    return make_plan(read, network), network


def _record(actor: Actor | None, plan: Plan, status: ImportStatus) -> RosterImport:
    totals = plan.totals()
    record = RosterImport(
        created_by_id=actor.id if isinstance(actor, User) else None,
        status=status.value,
        preview=plan.as_dict(),
        created=totals["created"],
        updated=totals["updated"],
        unchanged=totals["unchanged"],
        errors=totals["errors"],
    )
    db.session.add(record)
    return record


def check_roster(actor: Actor | None, files: list[RosterUpload]) -> Outcome:
    """What importing these files would do, saved as a preview only (a dry run).

    Raises PermissionDenied, or ValidationError("file") for a file that cannot be read
    (not CSV, empty, the columns of neither kind, too many rows).
    """
    require_admin(actor)
    plan, _network = _plan(files)
    begin_write()
    record = _record(actor, plan, ImportStatus.PREVIEW)
    db.session.commit()
    return Outcome(record, plan)


def import_roster(actor: Actor | None, files: list[RosterUpload]) -> Outcome:
    """Check the files again and save them whole; raises RosterRefused (with the preview
    kept) when a row has an error, and the errors of `check_roster`."""
    require_admin(actor)
    begin_write()
    plan, network = _plan(files)
    if plan.errors:
        record = _record(actor, plan, ImportStatus.PREVIEW)
        db.session.commit()
        raise RosterRefused(record)
    roster_save.save_plan(plan, network)
    record = _record(actor, plan, ImportStatus.APPLIED)
    record.applied_at = utcnow()
    record.result = {"saved": plan.counts()}
    db.session.commit()
    return Outcome(record, plan)


def get_import(actor: Actor | None, import_id: int) -> RosterImport:
    """A roster import's record (administrators); raises PermissionDenied, NotFound."""
    require_admin(actor)
    record = db.session.get(RosterImport, import_id)
    if record is None:
        raise NotFound("No such roster import.")
    return record


def summary(counts: dict[str, dict[str, int]], *, saved: bool) -> str:
    """A plan's counts in a sentence ("Imported: people 180 new, 3 updated, ...")."""
    parts = []
    for kind in ("districts", "schools", "people"):
        found = counts[kind]
        if sum(found[a] for a in ACTIONS):
            parts.append(f"{kind} {found['create']:,} new, {found['update']:,} updated, "
                         f"{found['same']:,} unchanged")  # fmt: skip
    text = "; ".join(parts) or "nothing"
    joins = counts["people"]["join"]
    if joins:
        text += f"; {joins:,} group membership{'s' if joins != 1 else ''} "
        text += "added" if saved else "to add"
    return f"{'Imported' if saved else 'Would import'}: {text}."
