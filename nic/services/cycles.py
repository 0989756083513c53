"""PDSA cycles: planned on a change idea by a school's people, then Do, Study and Act.

Who may see a cycle and who may write it are nic.policy's can_view_cycle,
can_plan_cycle_for and can_edit_cycle. Phases may be filled in any order (a
team often writes Study and Act in one sitting), but an Act with no Plan is
answered with a warning; the planned end may not come before the start. Every
save carries the version it started from: a stale one is a 409 with the saved
cycle, never a silent overwrite. A next cycle links to the one before it, so a
school's cycles on a change idea chain into a ramp.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from nic import policy
from nic.database import begin_write
from nic.errors import Conflict, NotFound, ValidationError
from nic.extensions import db
from nic.markup import render_markdown
from nic.models import (
    PHASE_FIELDS,
    Cycle,
    CycleOwner,
    Decision,
    DriverDiagram,
    DriverNode,
    Group,
    Membership,
    NodeKind,
    Phase,
    Practice,
    PracticeTry,
    School,
    StageSetting,
    User,
    utcnow,
)
from nic.policy import Actor
from nic.services import cycle_discussion, library
from nic.services.access import refusal
from nic.services.driver_diagrams import STALE, NodeAccess
from nic.services.validation import clean_text
from nic.services.visibility import in_visible_group

NOT_FOUND = "No such PDSA cycle."
NO_EDIT = "Only the cycle's school team and co-owners can record it."
TITLE_MAX = 200
TEXT_MAX = 10_000
FROM_TRY = "Plan it from your school's own report of this practice."
NO_PLAN = (
    "This cycle has a decision but no plan yet: add the question and the prediction, so "
    "others can see what was tested."
)


@dataclass(frozen=True)
class CycleAccess:
    cycle: Cycle
    idea: DriverNode
    school: School
    group: Group | None
    membership: Membership | None
    can_edit: bool


@dataclass(frozen=True)
class PlanFields:
    title: str
    question: str = ""
    prediction: str = ""
    plan: str = ""
    data_plan: str = ""
    planned_start: date | None = None
    planned_end: date | None = None


@dataclass(frozen=True)
class NewCycle:
    """Where a new cycle hangs: its school, who may see it, what it starts from."""

    school_id: int | None
    group_id: int | None = None  # None: the network (a group's diagram: always its group)
    practice_id: int | None = None
    previous_id: int | None = None
    try_id: int | None = None  # the school's try of the practice this cycle runs


@dataclass
class Saved:
    cycle: Cycle
    warnings: list[str] = field(default_factory=list)


class StaleCycle(Conflict):
    def __init__(self, saved: Cycle) -> None:
        super().__init__(STALE)
        self.saved = saved


def visible_clause(user: Actor) -> sa.ColumnElement[bool]:
    """Cycles this user may see (the SQL form of policy.can_view_cycle)."""
    return in_visible_group(user, Cycle.group_id)


def get_cycle_for(user: Actor, cycle_id: int) -> CycleAccess:
    """A cycle with its change idea, school, group and the user's membership and ownership:
    one query; raises NotFound for who may not see it."""
    if not policy.is_signed_in(user):
        raise NotFound(NOT_FOUND)
    member = sa.and_(Membership.group_id == Cycle.group_id, Membership.user_id == user.id)
    owner = sa.and_(CycleOwner.cycle_id == Cycle.id, CycleOwner.user_id == user.id)
    row = db.session.execute(
        sa.select(Cycle, DriverNode, School, Group, Membership, CycleOwner.user_id)
        .join(DriverNode, DriverNode.id == Cycle.change_idea_id)
        .join(School, School.id == Cycle.school_id)
        .outerjoin(Group, Group.id == Cycle.group_id)
        .outerjoin(Membership, member)
        .outerjoin(CycleOwner, owner)
        .where(Cycle.id == cycle_id)
    ).first()
    if row is None or not policy.can_view_cycle(user, row[3], row[4]):
        raise NotFound(NOT_FOUND)
    cycle, idea, school, group, membership, owner_id = row
    edit = policy.can_edit_cycle(user, cycle.school_id, owner_id is not None)
    return CycleAccess(cycle, idea, school, group, membership, edit)


def _texts(values: dict[str, object], names: tuple[str, ...]) -> dict[str, str]:
    """Each named text cleaned (all problems at once); raises ValidationError."""
    clean, problems = {}, {}
    for name in names:
        try:
            clean[name] = clean_text(name, values.get(name, ""), max_length=TEXT_MAX,
                                     required=False)  # fmt: skip
        except ValidationError as exc:
            problems.update(exc.fields)
    if problems:
        raise ValidationError(problems)
    return clean


def _write(cycle: Cycle, texts: dict[str, str]) -> None:
    for name, text in texts.items():
        if getattr(cycle, name) != text:
            setattr(cycle, name, text)
            setattr(cycle, f"{name}_html", render_markdown(text) if text else "")


def _plan(fields: PlanFields) -> tuple[str, dict[str, str]]:
    problems = {}
    try:
        title = clean_text("title", fields.title, max_length=TITLE_MAX)
    except ValidationError as exc:
        problems.update(exc.fields)
    try:
        texts = _texts(vars(fields), PHASE_FIELDS[Phase.PLAN.value])
    except ValidationError as exc:
        problems.update(exc.fields)
    start, end = fields.planned_start, fields.planned_end
    if start and end and end < start:
        problems["planned_end"] = (
            f"The planned end ({end:%b %-d, %Y}) comes before the start "
            f"({start:%b %-d, %Y}): give an end on or after the start."
        )
    if problems:
        raise ValidationError(problems)
    return title, texts


def _idea(access: NodeAccess) -> DriverNode:
    node = access.node
    if node.kind != NodeKind.CHANGE_IDEA.value:
        raise ValidationError("change_idea_id", "PDSA cycles test change ideas: choose one.")
    if node.is_archived:
        raise ValidationError("change_idea_id", "That change idea was archived: choose another.")
    return node


def _visible_to(user: Actor, diagram: DriverDiagram, new: NewCycle) -> int | None:
    """The group a new cycle is kept to: a group's diagram's own; else the chosen group,
    which must be one of the user's."""
    if diagram.group_id is not None:
        return diagram.group_id
    if new.group_id is None:
        return None
    mine = db.session.get(Membership, (new.group_id, user.id)) if user.id else None
    if mine is None and not policy.is_admin(user):
        raise ValidationError("group_id", "Choose the whole network or one of your groups.")
    return new.group_id


def plan_cycle(user: Actor, access: NodeAccess, new: NewCycle, fields: PlanFields) -> Cycle:
    """A new cycle on a change idea for a school the user belongs to. Raises
    ValidationError, PermissionDenied."""
    idea = _idea(access)
    if not policy.can_plan_cycle_for(user, new.school_id):
        raise refusal(user, "Cycles are planned by their own school's people: choose your school.")
    title, texts = _plan(fields)
    group_id = _visible_to(user, access.diagram.diagram, new)
    practice_id = _practice(user, new.practice_id)
    previous_id = _previous(user, new)
    report = _try(new, practice_id)
    begin_write()
    cycle = Cycle(change_idea_id=idea.id, school_id=new.school_id, group_id=group_id,
                  practice_id=practice_id, previous_id=previous_id, created_by_id=user.id,
                  title=title, planned_start=fields.planned_start,
                  planned_end=fields.planned_end)  # fmt: skip
    _write(cycle, texts)
    db.session.add(cycle)
    if report is not None:
        db.session.flush()
        report.cycle_id = cycle.id  # the try and its cycle: one trail, in one commit
    db.session.commit()
    cycle_discussion.open_discussion(cycle, db.session.get(School, cycle.school_id), user)
    return cycle


def _practice(user: Actor, practice_id: int | None) -> int | None:
    if practice_id is None:
        return None
    found = db.session.scalar(
        sa.select(Practice.id).where(Practice.id == practice_id, library.visible_clause(user))
    )
    if found is None:
        raise ValidationError("practice_id", "Choose a published practice you can open.")
    return found


def _try(new: NewCycle, practice_id: int | None) -> PracticeTry | None:
    """The try this cycle runs: the same school's report of the same practice, or refused."""
    if new.try_id is None:
        return None
    report = db.session.get(PracticeTry, new.try_id)
    if (
        report is None
        or practice_id is None
        or (report.practice_id, report.school_id) != (practice_id, new.school_id)
    ):
        raise ValidationError("try_id", FROM_TRY)
    return report


def _previous(user: Actor, new: NewCycle) -> int | None:
    """The cycle this one follows: one of the same school's the user may see."""
    if new.previous_id is None:
        return None
    try:
        previous = get_cycle_for(user, new.previous_id).cycle
    except NotFound:
        previous = None
    if previous is None or previous.school_id != new.school_id:
        raise ValidationError("previous_id", "A next cycle follows one of its own school's.")
    return previous.id


def _locked(user: Actor, access: CycleAccess, version: int | None) -> Cycle:
    if not access.can_edit:
        raise refusal(user, NO_EDIT)
    begin_write()
    cycle = db.session.scalars(
        sa.select(Cycle).where(Cycle.id == access.cycle.id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()  # fmt: skip
    if version != cycle.version:
        db.session.rollback()
        raise StaleCycle(cycle)
    return cycle


def _saved(cycle: Cycle) -> Saved:
    cycle.phase = cycle.furthest_phase()
    cycle.version += 1
    cycle.updated_at = utcnow()
    db.session.commit()
    warnings = [NO_PLAN] if cycle.has(Phase.ACT.value) and not cycle.has(Phase.PLAN.value) else []
    return Saved(cycle, warnings)


def save_plan(user: Actor, access: CycleAccess, fields: PlanFields, version: int | None) -> Saved:
    title, texts = _plan(fields)
    cycle = _locked(user, access, version)
    cycle.title, cycle.planned_start, cycle.planned_end = (
        title, fields.planned_start, fields.planned_end
    )  # fmt: skip
    _write(cycle, texts)
    saved = _saved(cycle)
    cycle_discussion.follow(saved.cycle, access.school)
    return saved


def save_phase(
    user: Actor, access: CycleAccess, phase: str, values: dict[str, object], version: int | None
) -> Saved:
    """Do, Study or Act (`values`: the phase's texts; Act's `decision` too)."""
    if phase not in (Phase.DO.value, Phase.STUDY.value, Phase.ACT.value):
        raise NotFound("No such phase: a cycle has Plan, Do, Study and Act.")
    texts = _texts(values, PHASE_FIELDS[phase])
    decision = values.get("decision") or None
    if phase == Phase.ACT.value and decision not in (None, *(d.value for d in Decision)):
        raise ValidationError("decision", "Choose adopt, adapt or abandon.")
    cycle = _locked(user, access, version)
    _write(cycle, texts)
    if phase == Phase.ACT.value and decision != cycle.decision:
        cycle.decision, cycle.decided_at = decision, utcnow() if decision else None
    return _saved(cycle)


STAGE_CHOICES = ("testing", "implementing", "spreading", "abandoned")


def set_stage(
    user: Actor, access: NodeAccess, school_id: int | None, stage: str | None, reason: str
) -> StageSetting:
    """A school team's own word on its stage with a change idea (None: back to what its
    cycles say). Added to the record, never replacing it. Raises ValidationError,
    PermissionDenied, NotFound (no such school)."""
    idea = _idea(access)
    if school_id is not None and db.session.get(School, school_id) is None:
        raise NotFound("No such school.")
    if not policy.can_plan_cycle_for(user, school_id):
        raise refusal(user, "A school's stage is set by its own people.")
    if stage is not None and stage not in STAGE_CHOICES:
        raise ValidationError("stage", "Choose testing, implementing, spreading or abandoned.")
    reason = clean_text("reason", reason, max_length=300, required=stage is not None)
    begin_write()
    setting = StageSetting(change_idea_id=idea.id, school_id=school_id, stage=stage,
                           reason=reason, set_by_id=user.id)  # fmt: skip
    db.session.add(setting)
    db.session.commit()
    return setting


def owners_of(cycle_id: int) -> list[User]:
    """The cycle's co-owners from other schools, by name, schools loaded (one query)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(CycleOwner, CycleOwner.user_id == User.id)
            .options(joinedload(User.school))
            .where(CycleOwner.cycle_id == cycle_id)
            .order_by(User.name)
        )
    )


def add_owner(user: Actor, access: CycleAccess, owner_id: int | None) -> User:
    """Make someone from any school a co-owner (they record the phases too). Raises
    ValidationError, PermissionDenied."""
    if not access.can_edit:
        raise refusal(user, "Only the cycle's school team and co-owners can add co-owners.")
    owner = db.session.get(User, owner_id) if owner_id else None
    if owner is None or not owner.is_active_account:
        raise ValidationError("user_id", "Choose a person from the list.")
    if owner.school_id == access.cycle.school_id:
        raise ValidationError("user_id", f"{owner.name} is at the cycle's school: they can "
                              "record it already.")  # fmt: skip
    begin_write()
    if db.session.get(CycleOwner, (access.cycle.id, owner.id)) is None:
        db.session.add(CycleOwner(cycle_id=access.cycle.id, user_id=owner.id))
    db.session.commit()
    return owner


def remove_owner(user: Actor, access: CycleAccess, owner_id: int) -> None:
    if not access.can_edit:
        raise refusal(user, "Only the cycle's school team and co-owners can remove co-owners.")
    begin_write()
    owner = db.session.get(CycleOwner, (access.cycle.id, owner_id))
    if owner is None:
        raise NotFound("That person is not a co-owner of this cycle.")
    db.session.delete(owner)
    db.session.commit()
