"""A practice's published history: its revisions, and what changed between any two.

The comparison is line by line (difflib), per field (title, summary, the
write-up, levers / levels / tags), with unchanged stretches folded to a few
lines of context, so a reader sees who changed what without reading it all.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from nic.errors import NotFound
from nic.extensions import db
from nic.models import LabelKind, PracticeRevision, User
from nic.services.practices import PracticeAccess

CONTEXT = 3
FIELDS = (("title", "Title"), ("summary", "Summary"), ("body", "The write-up"),
          ("labels", "Levers, levels and tags"))  # fmt: skip


@dataclass(frozen=True)
class Line:
    """One row of a comparison: `kind` is same, removed, added, changed (both) or gap."""

    kind: str
    old: str | None = None
    new: str | None = None
    old_number: int | None = None
    new_number: int | None = None
    folded: int = 0  # for a gap: how many unchanged lines it stands for


@dataclass
class FieldDiff:
    name: str
    label: str
    lines: list[Line] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(line.kind not in ("same", "gap") for line in self.lines)


def revisions_query(access: PracticeAccess) -> sa.Select:
    """The practice's revisions, newest first, with who published each (and their school)."""
    return (
        sa.select(PracticeRevision)
        .options(joinedload(PracticeRevision.author).joinedload(User.school))
        .where(PracticeRevision.practice_id == access.item.id)
        .order_by(PracticeRevision.number.desc())
    )


def revisions_of(access: PracticeAccess) -> list[PracticeRevision]:
    """Every revision (one query): the history page."""
    return list(db.session.scalars(revisions_query(access)))


_LABEL_LISTS = {
    LabelKind.LEVER.value: "levers",
    LabelKind.LEVEL.value: "levels",
    LabelKind.TAG.value: "tags",
}


def revision_labels(revision: PracticeRevision) -> dict[str, list[str]]:
    """A revision's levers, levels and tags as it recorded them (its "kind:value" lines)."""
    found: dict[str, list[str]] = {name: [] for name in _LABEL_LISTS.values()}
    for line in revision.labels.splitlines():
        kind, _, value = line.partition(":")
        if kind in _LABEL_LISTS:
            found[_LABEL_LISTS[kind]].append(value)
    return found


def revision_pair(
    access: PracticeAccess, older: int, newer: int
) -> tuple[PracticeRevision, PracticeRevision]:
    """Two revisions of this practice by number (in order); raises NotFound."""
    older, newer = sorted((older, newer))
    found = {
        r.number: r
        for r in db.session.scalars(
            sa.select(PracticeRevision)
            .options(joinedload(PracticeRevision.author))
            .where(
                PracticeRevision.practice_id == access.item.id,
                PracticeRevision.number.in_((older, newer)),
            )
        )
    }
    if older not in found or newer not in found:
        raise NotFound("No such revision.")
    return found[older], found[newer]


def _label_lines(text: str) -> list[str]:
    return [line.replace(":", ": ", 1) for line in text.splitlines()]


def _lines(revision: PracticeRevision, name: str) -> list[str]:
    value = getattr(revision, name)
    return _label_lines(value) if name == "labels" else value.splitlines()


def _fold(lines: list[Line]) -> list[Line]:
    """Keep CONTEXT unchanged lines around each change; fold longer unchanged runs."""
    changed = [i for i, line in enumerate(lines) if line.kind != "same"]
    if not changed:
        return lines if len(lines) <= 2 * CONTEXT else [Line("gap", folded=len(lines))]
    keep = set()
    for i in changed:
        keep.update(range(max(0, i - CONTEXT), min(len(lines), i + CONTEXT + 1)))
    folded: list[Line] = []
    run = 0
    for i, line in enumerate(lines):
        if i in keep:
            if run:
                folded.append(Line("gap", folded=run))
                run = 0
            folded.append(line)
        else:
            run += 1
    if run:
        folded.append(Line("gap", folded=run))
    return folded


def _diff(old: list[str], new: list[str]) -> list[Line]:
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [Line("same", old[i], new[j], i + 1, j + 1)
                      for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]  # fmt: skip
            continue
        removed, added = old[i1:i2], new[j1:j2]
        for n in range(max(len(removed), len(added))):
            o = removed[n] if n < len(removed) else None
            a = added[n] if n < len(added) else None
            kind = (
                "changed"
                if o is not None and a is not None
                else ("removed" if a is None else "added")
            )
            lines.append(Line(kind, o, a, i1 + n + 1 if o is not None else None,
                              j1 + n + 1 if a is not None else None))  # fmt: skip
    return _fold(lines)


def compare(older: PracticeRevision, newer: PracticeRevision) -> list[FieldDiff]:
    """What changed from `older` to `newer`, field by field."""
    return [
        FieldDiff(name, label, _diff(_lines(older, name), _lines(newer, name)))
        for name, label in FIELDS
    ]
