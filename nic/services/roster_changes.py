"""What a roster import would do, row by row: each district, school and person created,
updated (with what changes) or left alone, and the errors by file and row. Made by
nic.services.roster_plan, saved by nic.services.roster_save, kept as JSON (`as_dict`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nic.services.roster_files import RosterFile
from nic.services.validation import check_characters, too_long

EXTERNAL_ID_MAX = 64
ACTIONS = ("create", "update", "same")


@dataclass
class Change:
    """One district, school or person of the files: what happens to it."""

    action: str  # create, update or same
    file: str
    row: int
    name: str
    key: str  # its external id or email ("" when it has none)
    id: int | None = None  # the existing row's
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field -> [was, becomes]
    values: dict[str, Any] = field(default_factory=dict)  # what is saved (not shown)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "file": self.file,
            "row": self.row,
            "name": self.name,
            "key": self.key,
            "changes": self.changes,
        }


@dataclass
class Plan:
    files: list[RosterFile]
    districts: list[Change] = field(default_factory=list)
    schools: list[Change] = field(default_factory=list)
    people: list[Change] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # file, row, column, message
    missing: list[dict[str, Any]] = field(default_factory=list)  # id, name, email

    def error(self, file: str, row: int, column: str, message: str) -> None:
        self.errors.append({"file": file, "row": row, "column": column, "message": message})

    def counts(self) -> dict[str, dict[str, int]]:
        found = {}
        for kind in ("districts", "schools", "people"):
            changes = getattr(self, kind)
            found[kind] = {a: sum(1 for c in changes if c.action == a) for a in ACTIONS}
        found["people"]["join"] = sum(len(c.values.get("join", ())) for c in self.people)
        return found

    def totals(self) -> dict[str, int]:
        counts = self.counts()
        total = {a: sum(counts[k][a] for k in ("districts", "schools", "people")) for a in ACTIONS}
        return {
            "created": total["create"],
            "updated": total["update"],
            "unchanged": total["same"],
            "errors": len(self.errors),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": [f.as_dict() for f in self.files],
            "counts": self.counts(),
            "totals": self.totals(),
            "errors": self.errors,
            "missing": self.missing,
            "changes": {
                k: [c.as_dict() for c in getattr(self, k)]
                for k in ("districts", "schools", "people")
            },
        }


def text_ok(plan: Plan, where: tuple[str, int], column: str, value: str, limit: int) -> bool:
    """Whether `value` may be saved as text of at most `limit` characters (else an error)."""
    problem = check_characters(value) or (too_long(len(value), limit) if len(value) > limit else "")
    if problem:
        plan.error(*where, column, problem)
    return not problem


def diff(was: dict[str, Any], becomes: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [was.get(k), v] for k, v in becomes.items() if v != was.get(k)}
