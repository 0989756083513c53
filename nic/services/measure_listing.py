"""What the measure pages show: each a fixed number of queries, however many points.

Reading only: who may see a measure is settled by nic.services.measures
(visible_measures, get_measure_for) before any of these is called; every
point of a measure one may see is visible, as its chart is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from nic.extensions import db
from nic.models import Cycle, Group, Measure, MeasurePoint, School, User
from nic.policy import Actor
from nic.services.cycles import visible_clause as visible_cycles


@dataclass(frozen=True)
class Reported:
    """How many schools have reported on a measure, and its latest period."""

    schools: int = 0
    latest: date | None = None


@dataclass(frozen=True)
class SchoolRow:
    school: School
    latest: MeasurePoint
    points: int


@dataclass(frozen=True)
class PointRow:
    point: MeasurePoint
    cycle_title: str | None  # None: no cycle, or one this reader may not see
    entered_by: str | None


def reported(measure_ids: list[int]) -> dict[int, Reported]:
    """Schools reported and the latest period of each measure: one query."""
    found = {i: Reported() for i in measure_ids}
    if not measure_ids:
        return found
    rows = db.session.execute(
        sa.select(MeasurePoint.measure_id, sa.func.count(sa.distinct(MeasurePoint.school_id)),
                  sa.func.max(MeasurePoint.period))
        .where(MeasurePoint.measure_id.in_(measure_ids))
        .group_by(MeasurePoint.measure_id)
    )  # fmt: skip
    for measure_id, schools, latest in rows:
        found[measure_id] = Reported(schools, latest)
    return found


def groups_of(measures: list[Measure]) -> dict[int, Group]:
    """The groups the measures belong to, by id: one query (none for network measures)."""
    ids = {m.group_id for m in measures if m.group_id is not None}
    if not ids:
        return {}
    return {g.id: g for g in db.session.scalars(sa.select(Group).where(Group.id.in_(ids)))}


def school_rows(measure_id: int) -> list[SchoolRow]:
    """Each school that has reported: its latest point and how many points, by school
    name: one query."""
    per_school = (
        sa.select(MeasurePoint.school_id, sa.func.max(MeasurePoint.period).label("latest"),
                  sa.func.count().label("points"))
        .where(MeasurePoint.measure_id == measure_id)
        .group_by(MeasurePoint.school_id)
        .subquery()
    )  # fmt: skip
    rows = db.session.execute(
        sa.select(School, MeasurePoint, per_school.c.points)
        .join(per_school, per_school.c.school_id == School.id)
        .join(MeasurePoint, sa.and_(MeasurePoint.measure_id == measure_id,
                                    MeasurePoint.school_id == School.id,
                                    MeasurePoint.period == per_school.c.latest))
        .order_by(School.name, School.id)
    )  # fmt: skip
    return [SchoolRow(school, point, count) for school, point, count in rows]


def point_rows(user: Actor, measure_id: int, school_id: int) -> list[PointRow]:
    """One school's points, newest first, with the cycle each is annotated with (its title
    only when this reader may see the cycle) and who entered it: one query."""
    cycle = sa.and_(Cycle.id == MeasurePoint.cycle_id, visible_cycles(user))
    rows = db.session.execute(
        sa.select(MeasurePoint, Cycle.title, User.name)
        .select_from(MeasurePoint)
        .outerjoin(Cycle, cycle)
        .outerjoin(User, User.id == MeasurePoint.entered_by_id)
        .where(MeasurePoint.measure_id == measure_id, MeasurePoint.school_id == school_id)
        .order_by(MeasurePoint.period.desc())
    )
    return [PointRow(point, title, name) for point, title, name in rows]


def export_rows(measure_id: int) -> list[tuple[MeasurePoint, str]]:
    """Every point of the measure with its school's name, by school and period: one query."""
    rows = db.session.execute(
        sa.select(MeasurePoint, School.name)
        .join(School, School.id == MeasurePoint.school_id)
        .where(MeasurePoint.measure_id == measure_id)
        .order_by(School.name, MeasurePoint.period)
    )
    return [(point, name) for point, name in rows]


def school_cycles(school_id: int | None) -> list[tuple[int, str]]:
    """The school's own PDSA cycles (id, title), newest first, to annotate a point with."""
    if school_id is None:
        return []
    return [
        (cycle_id, title)
        for cycle_id, title in db.session.execute(
            sa.select(Cycle.id, Cycle.title)
            .where(Cycle.school_id == school_id)
            .order_by(Cycle.id.desc())
        )
    ]


def point_of(measure_id: int, point_id: int | None) -> MeasurePoint | None:
    """One point of the measure (to re-enter it), or None."""
    if point_id is None:
        return None
    point = db.session.get(MeasurePoint, point_id)
    return point if point is not None and point.measure_id == measure_id else None
