"""The aim: what, how much, by when, for whom; written once, then revised.

Writing the first aim of the network (or of a group) starts its driver diagram,
whose root node carries the aim's sentence. Every save is logged on that root,
so the diagram as of a date shows the aim as it was then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from nic.database import begin_write
from nic.errors import ValidationError
from nic.extensions import db
from nic.models import Aim, DriverDiagram, DriverNode, NodeKind, utcnow
from nic.policy import Actor
from nic.services.driver_diagrams import DiagramAccess, StaleAim, log, may_edit, scope_of, state
from nic.services.validation import clean_text

WHAT_MAX = 300
PART_MAX = 200


@dataclass(frozen=True)
class AimFields:
    what: str
    how_much: str
    by_when: date | None
    for_whom: str
    version: int | None = None  # the aim's version the edit started from (None: a new aim)


def statement(what: str, how_much: str, by_when: date, for_whom: str) -> str:
    """The aim as one sentence: "Raise ... from 48% to 60% by June 2027 across our 22 schools."""
    text = " ".join(p for p in (what, how_much, f"by {by_when:%B %Y}", for_whom) if p)
    return text if text[-1] in ".!?" else text + "."


def _clean(fields: AimFields) -> tuple[str, str, date, str]:
    problems: dict[str, str] = {}
    values = {}
    for name, limit in (("what", WHAT_MAX), ("how_much", PART_MAX), ("for_whom", PART_MAX)):
        try:
            values[name] = clean_text(name, getattr(fields, name), max_length=limit)
        except ValidationError as exc:
            problems.update(exc.fields)
    if not isinstance(fields.by_when, date):
        problems["by_when"] = "Give the date the aim is for, as year, month and day."
    if problems:
        raise ValidationError(problems)
    return values["what"], values["how_much"], fields.by_when, values["for_whom"]


def aim_of(diagram: DriverDiagram | None) -> Aim | None:
    """The diagram's aim (one query; None without a diagram)."""
    if diagram is None:
        return None
    return db.session.get(Aim, diagram.id)


def group_aim(group_id: int) -> Aim | None:
    """A group's aim for its page (one query)."""
    return db.session.scalar(
        sa.select(Aim).join(DriverDiagram).where(DriverDiagram.scope == scope_of(group_id))
    )


def save_aim(user: Actor, access: DiagramAccess, fields: AimFields) -> Aim:
    """Write or revise the aim; the first one starts the diagram. Raises ValidationError,
    PermissionDenied, StaleAim (409) when someone saved it since this edit began."""
    diagram = may_edit(user, access)
    what, how_much, by_when, for_whom = _clean(fields)
    sentence = statement(what, how_much, by_when, for_whom)
    begin_write()
    if diagram is None:
        group_id = access.group.id if access.group else None
        diagram = DriverDiagram(scope=scope_of(group_id), group_id=group_id)
        db.session.add(diagram)
        db.session.flush()
        root = DriverNode(diagram_id=diagram.id, kind=NodeKind.AIM.value, title=sentence)
        db.session.add(root)
        aim = Aim(diagram_id=diagram.id, what=what, how_much=how_much, by_when=by_when,
                  for_whom=for_whom, statement=sentence)  # fmt: skip
        db.session.add(aim)
        db.session.flush()
        log(root, user.id, "aim", None)
        db.session.commit()
        return aim
    aim = db.session.scalars(
        sa.select(Aim).where(Aim.diagram_id == diagram.id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()  # fmt: skip
    if fields.version != aim.version:
        db.session.rollback()
        raise StaleAim(aim)
    root = db.session.scalars(
        sa.select(DriverNode).where(DriverNode.diagram_id == diagram.id,
                                    DriverNode.parent_id.is_(None))
    ).one()  # fmt: skip
    before = state(root)
    aim.what, aim.how_much, aim.by_when, aim.for_whom = what, how_much, by_when, for_whom
    aim.statement, aim.version, aim.updated_at = sentence, aim.version + 1, utcnow()
    root.title, root.version = sentence, root.version + 1
    log(root, user.id, "aim", before)
    db.session.commit()
    return aim
