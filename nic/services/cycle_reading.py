"""Reading PDSA cycles: a change idea's cycles, a cycle's ramp, and the evidence counts.

A school's stage with a change idea comes from its cycles' decisions, oldest
first: testing while cycles run or end in "adapt"; implementing once the
latest decision is "adopt"; spreading when, after adopting, the school tests
it further (a later cycle); abandoned when the latest decision is "abandon".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from nic.extensions import db
from nic.models import PHASE_FIELDS, Cycle, Decision, DriverNode, Phase, School, StageSetting
from nic.policy import Actor
from nic.services.cycles import CycleAccess, visible_clause

STAGES = ("testing", "implementing", "spreading", "abandoned")
STAGE_LABELS = {"testing": "Testing", "implementing": "Implementing",
                "spreading": "Spreading", "abandoned": "Abandoned"}  # fmt: skip


def stage(decisions: list[str | None]) -> str:
    """A school's stage from its cycles' decisions on one change idea, oldest first."""
    decided = [(i, d) for i, d in enumerate(decisions) if d]
    if not decided:
        return "testing"
    at, last = decided[-1]
    if last == Decision.ABANDON.value:
        return "abandoned"
    if last == Decision.ADOPT.value:
        return "spreading" if at < len(decisions) - 1 else "implementing"
    return "testing"


@dataclass(frozen=True)
class SchoolStage:
    school_id: int
    stage: str
    setting: StageSetting | None = None  # the team's own word, over its cycles'


@dataclass
class Evidence:
    """What the network has learned about one change idea, from the cycles one may see."""

    cycles: int = 0
    decisions: Counter = field(default_factory=Counter)
    schools_at: dict[int, SchoolStage] = field(default_factory=dict)

    @property
    def stages(self) -> Counter:
        """stage -> number of schools."""
        return Counter(s.stage for s in self.schools_at.values())

    @property
    def schools(self) -> int:
        return len(self.schools_at)

    def stage_line(self) -> str:
        """“2 schools: 1 testing, 1 implementing · 3 cycles”."""
        stages = ", ".join(f"{self.stages[s]} {s}" for s in STAGES if self.stages[s])
        schools = f"{self.schools} school{'s' if self.schools != 1 else ''}"
        return f"{schools}: {stages} · {self.cycles} cycle{'s' if self.cycles != 1 else ''}"


def _settings(condition: sa.ColumnElement[bool]) -> dict[tuple[int, int], StageSetting]:
    """The latest stage setting per (change idea, school) where one stands (one query)."""
    latest: dict[tuple[int, int], StageSetting] = {}
    for setting in db.session.scalars(
        sa.select(StageSetting)
        .join(DriverNode, DriverNode.id == StageSetting.change_idea_id)
        .where(condition)
        .order_by(StageSetting.id)
    ):
        latest[(setting.change_idea_id, setting.school_id)] = setting
    return {key: s for key, s in latest.items() if s.stage}


def evidence(user: Actor, diagram_id: int) -> dict[int, Evidence]:
    """Each change idea's evidence (two queries, whatever the number of cycles)."""
    rows = db.session.execute(
        sa.select(Cycle.change_idea_id, Cycle.school_id, Cycle.decision)
        .join(DriverNode, DriverNode.id == Cycle.change_idea_id)
        .where(DriverNode.diagram_id == diagram_id, visible_clause(user))
        .order_by(Cycle.id)
    )
    return tally(rows, _settings(DriverNode.diagram_id == diagram_id))


def idea_evidence(idea_id: int, found: list[tuple[Cycle, School]]) -> Evidence:
    """One change idea's evidence from its cycles (as cycles_of_idea gives them, newest
    first) and its schools' settings (one query)."""
    rows = [(idea_id, c.school_id, c.decision) for c, _school in reversed(found)]
    return tally(rows, _settings(DriverNode.id == idea_id)).get(idea_id, Evidence())


def tally(
    rows: Iterable[tuple[int, int, str | None]],
    settings: dict[tuple[int, int], StageSetting] | None = None,
) -> dict[int, Evidence]:
    """(change idea, school, decision) rows, oldest first, counted per change idea; a
    school team's setting stands over the stage its decisions give."""
    found: dict[int, Evidence] = {}
    by_school: dict[tuple[int, int], list[str | None]] = {}
    for idea_id, school_id, decision in rows:
        each = found.setdefault(idea_id, Evidence())
        each.cycles += 1
        if decision:
            each.decisions[decision] += 1
        by_school.setdefault((idea_id, school_id), []).append(decision)
    settings = settings or {}
    for key in by_school.keys() | settings.keys():
        idea_id, school_id = key
        setting = settings.get(key)
        derived = stage(by_school.get(key, []))
        found.setdefault(idea_id, Evidence()).schools_at[school_id] = SchoolStage(
            school_id, setting.stage if setting else derived, setting
        )
    return found


def cycles_with_schools(
    user: Actor, condition: sa.ColumnElement[bool]
) -> list[tuple[Cycle, School]]:
    """Cycles meeting `condition` that the user may see, newest first, with their schools
    (one query)."""
    rows = db.session.execute(
        sa.select(Cycle, School)
        .join(School, School.id == Cycle.school_id)
        .where(condition, visible_clause(user))
        .order_by(Cycle.id.desc())
    )
    return [(c, s) for c, s in rows]


def cycles_of_idea(user: Actor, idea_id: int) -> list[tuple[Cycle, School]]:
    """A change idea's cycles one may see, newest first, with their schools (one query)."""
    return cycles_with_schools(user, Cycle.change_idea_id == idea_id)


def ramp(user: Actor, access: CycleAccess) -> list[Cycle]:
    """The chain this cycle is in, first cycle first: back through each one's previous,
    then on through the earliest next. One query: a recursive walk over the links, which
    reads only the cycles linked to this one, however many the school has run."""
    seen = sa.and_(Cycle.school_id == access.cycle.school_id, visible_clause(user))
    linked = (
        sa.select(Cycle.id, Cycle.previous_id)
        .where(Cycle.id == access.cycle.id)
        .cte("ramp", recursive=True)
    )
    step = sa.select(Cycle.id, Cycle.previous_id).join(
        linked, sa.or_(Cycle.id == linked.c.previous_id, Cycle.previous_id == linked.c.id)
    )
    linked = linked.union(step.where(seen))
    cycles = {
        c.id: c
        for c in db.session.scalars(sa.select(Cycle).where(Cycle.id.in_(sa.select(linked.c.id))))
    }
    chain, at = [], cycles.get(access.cycle.id, access.cycle)
    while at is not None and at not in chain:
        chain.insert(0, at)
        at = cycles.get(at.previous_id) if at.previous_id else None
    nexts: dict[int, list[Cycle]] = {}
    for c in sorted(cycles.values(), key=lambda c: c.id):
        if c.previous_id:
            nexts.setdefault(c.previous_id, []).append(c)
    at = chain[-1]
    while nexts.get(at.id) and nexts[at.id][0] not in chain:
        at = nexts[at.id][0]
        chain.append(at)
    return chain


@dataclass(frozen=True)
class CycleFilters:
    """What GET /cycles narrows to (None: any)."""

    school_id: int | None = None
    change_idea_id: int | None = None
    practice_id: int | None = None
    phase: str | None = None
    decided: bool | None = None
    overdue: bool | None = None
    today: date | None = None  # for `overdue`; None: today


def _has_any(*columns: sa.ColumnElement) -> sa.ColumnElement[bool]:
    return sa.or_(*(sa.func.coalesce(c, "") != "" for c in columns))


def overdue_clause(today: date) -> sa.ColumnElement[bool]:
    """The SQL form of Cycle.overdue_phase(today) is not None: the planned end has passed,
    no decision, and Do, Study or Act (next steps) still empty."""
    undecided = sa.func.coalesce(Cycle.decision, "") == ""
    missing = sa.or_(
        sa.not_(_has_any(*(getattr(Cycle, n) for n in PHASE_FIELDS[Phase.DO.value]))),
        sa.not_(_has_any(*(getattr(Cycle, n) for n in PHASE_FIELDS[Phase.STUDY.value]))),
        sa.not_(_has_any(Cycle.next_steps)),
    )
    return sa.and_(Cycle.planned_end.is_not(None), Cycle.planned_end < today, undecided, missing)


def cycles_query(user: Actor, filters: CycleFilters) -> sa.Select:
    """The cycles one may see that meet `filters`, newest first, with their schools and
    change ideas loaded."""
    query = (
        sa.select(Cycle)
        .join(Cycle.school)
        .join(Cycle.change_idea)
        .options(contains_eager(Cycle.school), contains_eager(Cycle.change_idea))
        .where(visible_clause(user))
    )
    for name in ("school_id", "change_idea_id", "practice_id", "phase"):
        value = getattr(filters, name)
        if value is not None:
            query = query.where(getattr(Cycle, name) == value)
    if filters.decided is not None:
        decided = sa.func.coalesce(Cycle.decision, "") != ""
        query = query.where(decided if filters.decided else sa.not_(decided))
    if filters.overdue is not None:
        overdue = overdue_clause(filters.today or date.today())
        query = query.where(overdue if filters.overdue else sa.not_(overdue))
    return query.order_by(Cycle.id.desc())


def find_cycles(
    user: Actor, filters: CycleFilters, page: int, per_page: int
) -> tuple[list[Cycle], int]:
    """One page of cycles (two queries, the page and the count, whatever the page size),
    and the total."""
    query = cycles_query(user, filters)
    found = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    return list(found.items), found.total or 0
