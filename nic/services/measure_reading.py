"""What the measure pages read: a measure's charts, each in a constant number of queries.

`network_and_schools` draws the network's aggregate at full size and every
reporting school's run chart small (small multiples); `school_chart` draws one
school's at full size with its control chart. Every chart of one measure shares
the measure's calendar (its first period to its last), so small multiples line
up in time. Notes name PDSA cycles only the viewer may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from nic import policy
from nic.errors import NotFound
from nic.extensions import db
from nic.models import Cycle, Group, MeasurePhase, MeasurePoint, Membership, School
from nic.policy import Actor
from nic.services import cycles, measure_phases
from nic.services.drawn_charts import drawn_chart
from nic.services.measure_charts import ChartView, aggregate, calendar, of_points, period_labels
from nic.services.measures import MeasureAccess


@dataclass(frozen=True)
class MeasureCharts:
    network: ChartView | None
    schools: list[ChartView]


def _phases(measure_id: int) -> dict[int | None, list[MeasurePhase]]:
    found: dict[int | None, list[MeasurePhase]] = defaultdict(list)
    query = sa.select(MeasurePhase).where(MeasurePhase.measure_id == measure_id)
    for row in db.session.scalars(query):
        found[row.school_id].append(row)
    return found


def _cycle_notes(user: Actor, points: Sequence[sa.Row]) -> dict[int, str]:
    ids = {p.cycle_id for p in points if p.cycle_id is not None and not p.note}
    if not ids:
        return {}
    query = sa.select(Cycle.id, Cycle.title).where(Cycle.id.in_(ids), cycles.visible_clause(user))
    return {cycle_id: f"PDSA: {title}" for cycle_id, title in db.session.execute(query)}


_POINT_COLUMNS = (
    MeasurePoint.school_id, MeasurePoint.period, MeasurePoint.value, MeasurePoint.numerator,
    MeasurePoint.denominator, MeasurePoint.note, MeasurePoint.cycle_id,
)  # fmt: skip


def _points(measure_id: int, school_id: int | None = None) -> list[sa.Row]:
    """The points as plain rows (thousands of ORM objects cost more than the charts)."""
    query = sa.select(*_POINT_COLUMNS).where(MeasurePoint.measure_id == measure_id)
    if school_id is not None:
        query = query.where(MeasurePoint.school_id == school_id)
    return list(db.session.execute(query.order_by(MeasurePoint.school_id, MeasurePoint.period)))


def network_and_schools(user: Actor, access: MeasureAccess) -> MeasureCharts:
    """The network's chart and each reporting school's small chart, schools by name.
    Four queries at most, whatever the number of schools and points."""
    measure = access.measure
    points = _points(measure.id)
    if not points:
        return MeasureCharts(None, [])
    days = calendar(measure.frequency, [p.period for p in points])
    phases = _phases(measure.id)
    notes = _cycle_notes(user, points)
    labels = period_labels(measure.frequency, days)
    by_school: dict[int, list[sa.Row]] = defaultdict(list)
    for point in points:
        by_school[point.school_id].append(point)
    schools = db.session.scalars(
        sa.select(School).where(School.id.in_(by_school)).order_by(School.name, School.id)
    )
    network = drawn_chart(measure, f"{measure.name}: the network", None,
                          aggregate(measure, points), days, phases[None],
                          prefix=f"measure-{measure.id}-network", labels=labels)  # fmt: skip
    small = [
        drawn_chart(measure, school.name, school, of_points(by_school[school.id]), days,
                    phases[school.id], size="small", notes=notes, labels=labels,
                    prefix=f"measure-{measure.id}-school-{school.id}")
        for school in schools
    ]  # fmt: skip
    return MeasureCharts(network, small)


def network_chart(user: Actor, access: MeasureAccess) -> ChartView:
    """The network's aggregate at full size, with its control chart. Three queries."""
    measure = access.measure
    points = _points(measure.id)
    days = calendar(measure.frequency, [p.period for p in points])
    return drawn_chart(measure, f"{measure.name}: the network", None, aggregate(measure, points),
                       days, measure_phases.phases_of(measure.id, None),
                       prefix=f"measure-{measure.id}-network")  # fmt: skip


def school_chart(user: Actor, access: MeasureAccess, school_id: int) -> ChartView:
    """One school's chart at full size, with its control chart once it has enough points.
    Raises NotFound for a school that does not exist. Four queries."""
    school = db.session.get(School, school_id)
    if school is None:
        raise NotFound("No such school.")
    measure = access.measure
    points = _points(measure.id, school_id)
    days = calendar(measure.frequency, [p.period for p in points])
    rows = measure_phases.phases_of(measure.id, school_id)
    return drawn_chart(measure, f"{measure.name}: {school.name}", school, of_points(points),
                       days, rows, prefix=f"measure-{measure.id}-school-{school.id}",
                       notes=_cycle_notes(user, points))  # fmt: skip


def groups_to_discuss_in(user: Actor) -> list[tuple[int, str]]:
    """The groups a member may start a thread about a network measure's signal in: their
    own, by name. One query."""
    if not policy.is_signed_in(user):
        return []
    query = (
        sa.select(Group.id, Group.name)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id)
        .order_by(Group.name, Group.id)
    )
    return [(row.id, row.name) for row in db.session.execute(query)]
