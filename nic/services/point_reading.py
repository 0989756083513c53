"""A measure's points a page at a time, and one point with its measure: for the API's lists.

The points are found through the measure they belong to, so whoever may see a measure
(nic.services.measures.get_measure_for) reads every school's points on it, and a point of
a measure they may not see is not found at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from nic.errors import NotFound
from nic.extensions import db
from nic.models import MeasurePoint, School, User
from nic.policy import Actor
from nic.services.measures import MeasureAccess, get_measure_for

NO_POINT = "No such point."


def get_point_for(user: Actor, point_id: int) -> tuple[MeasureAccess, MeasurePoint]:
    """A point with its measure as this user sees it (two queries). Raises NotFound, also
    for a point of a measure the user may not see."""
    point = db.session.get(MeasurePoint, point_id)
    if point is None:
        raise NotFound(NO_POINT)
    try:
        return get_measure_for(user, point.measure_id), point
    except NotFound:
        raise NotFound(NO_POINT) from None


def points_query(
    measure_id: int,
    school_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> sa.Select:
    """A measure's points by school (its name) then period, each with its school loaded;
    `school_id` keeps one school's, `start` and `end` the periods from and to those days."""
    query = (
        sa.select(MeasurePoint)
        .join(School, School.id == MeasurePoint.school_id)
        .options(contains_eager(MeasurePoint.school))
        .where(MeasurePoint.measure_id == measure_id)
    )
    if school_id is not None:
        query = query.where(MeasurePoint.school_id == school_id)
    if start is not None:
        query = query.where(MeasurePoint.period >= start)
    if end is not None:
        query = query.where(MeasurePoint.period <= end)
    return query.order_by(School.name, School.id, MeasurePoint.period)


def enterers_of(points: Sequence[MeasurePoint]) -> dict[int, User]:
    """Who entered these points, by id: one query (none when no one is named)."""
    ids = {p.entered_by_id for p in points if p.entered_by_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
