"""The text search holds for a row that comes from other rows.

A person is found by name, job role and school ("coach Lincoln"), a practice by
its tags and its files' captions as well as its own text. Those live in other
tables, so the index cannot read them from the row itself: `user.search_text`
and `practice.search_extra` hold them, written here by every service that
changes what they are made of (accounts, practices, attachments), in the
same transaction; the index's triggers (nic.models.search) then keep the
full-text index in step. Issue 22's school renames and merges must call
`person_text` again for the school's people.
"""

from __future__ import annotations

import sqlalchemy as sa

from nic.extensions import db
from nic.models import Practice, PracticeAttachment, PracticeLabel, School
from nic.models.accounts import job_role_label
from nic.models.practices import LEVEL_LABELS, LEVER_LABELS, LabelKind

SEPARATOR = " · "


def person_text(name: str, job_role: str, school_id: int | None) -> str:
    """ "Maria Lopez · Principal · Lincoln Elementary · Riverside Unified"."""
    school = db.session.get(School, school_id) if school_id is not None else None
    if school is None:
        return person_text_of(name, job_role)
    return person_text_of(name, job_role, (school.district.name, school.name))


def person_text_of(name: str, job_role: str, school: tuple[str, str] | None = None) -> str:
    """`person_text` from names already loaded (`school`: its district's name and its own),
    for a roster import's thousands of people without a query each."""
    parts = [name, job_role_label(job_role)]
    if school is not None:
        parts += [school[1], school[0]]
    return SEPARATOR.join(parts)


def _label_text(kind: str, value: str) -> str:
    if kind == LabelKind.LEVER.value:
        return LEVER_LABELS.get(value, value)
    if kind == LabelKind.LEVEL.value:
        return LEVEL_LABELS.get(value, value)
    return value


def refresh_practice(practice_id: int) -> None:
    """Write the practice's labels and captions into `practice.search_extra` (two reads,
    one write; nothing written when they did not change, so the index is not churned)."""
    db.session.flush()
    labels = db.session.execute(
        sa.select(PracticeLabel.kind, PracticeLabel.value)
        .where(PracticeLabel.practice_id == practice_id)
        .order_by(PracticeLabel.kind, PracticeLabel.value)
    ).all()
    captions = db.session.scalars(
        sa.select(PracticeAttachment.caption)
        .where(PracticeAttachment.practice_id == practice_id, PracticeAttachment.caption != "")
        .order_by(PracticeAttachment.id)
    ).all()
    text = SEPARATOR.join([*(_label_text(k, v) for k, v in labels), *captions])
    db.session.execute(
        sa.update(Practice)
        .where(Practice.id == practice_id, Practice.search_extra != text)
        .values(search_extra=text)
    )
