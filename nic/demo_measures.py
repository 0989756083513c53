"""The demo network's shared measures, with a year of points from every school.

Three measures a network of this kind keeps: reading on grade level (an outcome,
monthly, percent of students at benchmark), chronic absence (an outcome, monthly,
percent of students missing 10% or more of days; lower is better) and PLC
meetings held (a process, weekly). The numbers are made up but shaped like real
ones, from a fixed seed: steady around each school's own level, with two real
changes after a change idea started: Riverside Middle's PLCs held each week rose
once its shared sub rotation began (its PDSA cycle, seven weeks ago), and Lincoln
Elementary's reading rose after data huddles began in the spring.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from nic.extensions import db
from nic.models import Cycle, DriverNode, Measure, School, User
from nic.services import measure_phases, measure_points, measures

READING = measures.MeasureFields(
    "Reading on grade level", "outcome", "percent", "monthly", "up",
    "Students in grades K-3 at or above benchmark on the monthly reading check "
    "(the district's screener), of all students checked that month. Entered by the "
    "school's coach in the first week of the next month.",
    unit_label="students", goal=70,
)  # fmt: skip
ABSENCE = measures.MeasureFields(
    "Chronic absence", "outcome", "percent", "monthly", "down",
    "Students who have missed 10% or more of school days so far this year, of all "
    "enrolled students, from the attendance office's report on the last day of the month.",
    unit_label="students", goal=15,
)  # fmt: skip
PLC = measures.MeasureFields(
    "PLC meetings held", "process", "count", "weekly", "up",
    "Grade-level or course PLC meetings that met for their full time this week, from the "
    "PLC leads' weekly check-in. A meeting cancelled or cut short for coverage does not count.",
    unit_label="meetings",
)  # fmt: skip
SEED = 2037  # one whose chance signals are few, beside the two real changes
BEFORE_HUDDLES = "The fall and winter, before data huddles began."
# Each school's usual level: reading %, chronic absence %, PLC meetings a week.
LEVELS = {
    "Lincoln Elementary": (48, 22, 8), "Riverside Middle": (55, 18, 6),
    "Riverside High": (61, 25, 10), "Cedar Valley Elementary": (52, 14, 7),
    "Maple Grove K-8": (44, 27, 6), "Cedar Valley High": (58, 20, 12),
    "Harbor View Elementary": (50, 16, 8), "North County Middle": (46, 24, 6),
}  # fmt: skip


def load_measures(admin: User, today: date) -> None:
    """The three measures beside the network's diagram, and a year of every school's points,
    entered through the services as the admin (who may enter any school's)."""
    ideas = dict(db.session.execute(sa.select(DriverNode.title, DriverNode.id)).all())
    reading = _define(admin, READING, ideas, "Data huddles every other Friday")
    absence = _define(admin, ABSENCE, ideas, "Family data nights in the first month")
    plc = _define(admin, PLC, ideas, "A shared sub rotation to protect PLC time")
    rotation = db.session.scalar(sa.select(Cycle).where(Cycle.title == "Sub rotation, fall"))
    rng = random.Random(SEED)  # noqa: S311 - made-up demo numbers, not secrets
    months = _months(today, 12)
    mondays = [today - timedelta(days=today.weekday() + 7 * n) for n in range(52, 0, -1)]
    schools = db.session.scalars(sa.select(School).order_by(School.name))
    for school in schools:
        level, absent, meetings = LEVELS.get(school.name, (50, 20, 8))
        rows = []
        for n, month in enumerate(months):
            lift = 14 if school.name == "Lincoln Elementary" and n >= 6 else 0
            tested = rng.randint(150, 190)
            met = round(tested * min(level + lift + rng.gauss(0, 3), 95) / 100)
            note = "Data huddles began" if lift and n == 6 else ""
            rows.append(measure_points.PointInput(month, None, met, tested, note))
        _enter(admin, reading, school, rows, today)
        if school.name == "Lincoln Elementary":
            access = measures.get_measure_for(admin, reading.id)
            measure_phases.base_chart(admin, access, school.id, months[0], months[5],
                                      BEFORE_HUDDLES, today)  # fmt: skip
        enrolled = rng.randint(380, 520)
        _enter(admin, absence, school, [
            measure_points.PointInput(m, None, round(enrolled * max(absent + rng.gauss(0, 1.5), 2)
                                                     / 100), enrolled)
            for m in months
        ], today)  # fmt: skip
        started = rotation.planned_start if rotation and rotation.school_id == school.id else None
        rows = []
        for monday in mondays:
            after = started is not None and monday >= started
            held = max(0, round(meetings + (3 if after else 0) + rng.gauss(0, 1)))
            first = after and monday - timedelta(days=7) < started  # type: ignore[operator]
            cycle_id = rotation.id if first else None  # type: ignore[union-attr]
            rows.append(measure_points.PointInput(monday, held, cycle_id=cycle_id))
        _enter(admin, plc, school, rows, today)


def _define(admin: User, fields: measures.MeasureFields, ideas: dict[str, int],
            idea: str) -> Measure:  # fmt: skip
    linked = (ideas[idea],) if idea in ideas else ()
    return measures.define_measure(admin, None, measures.MeasureFields(
        **{**fields.__dict__, "node_ids": linked}))  # fmt: skip


def _enter(admin: User, measure: Measure, school: School,
           rows: list[measure_points.PointInput], today: date) -> None:  # fmt: skip
    access = measures.get_measure_for(admin, measure.id)
    measure_points.record_points(admin, access, school.id, rows, today)


def _months(today: date, count: int) -> list[date]:
    """The `count` whole months before this one, oldest first."""
    found, year, month = [], today.year, today.month
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        found.append(date(year, month, 1))
    return found[::-1]
