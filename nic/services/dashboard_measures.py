"""The dashboard's measures: each live measure's schools gone stale, and the new signals
of every school's run chart, read from the charts' summaries (nic.services.chart_summaries:
one row per chart, written when its points, phases or measure change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from nic.extensions import db
from nic.models import Measure, MeasureChart, School
from nic.models.measures import Frequency, period_label
from nic.policy import Actor
from nic.services import chart_summaries, measures
from nic.services.chart_summaries import Said

TERM_STALE_AFTER = timedelta(days=120)
_NEWS_ORDER = {"worse": 0, "better": 1, None: 2}


def measure_school_path(measure_id: int, school_id: int) -> str:
    """A school's page of a measure (its chart and points)."""
    return f"/measures/{measure_id}/schools/{school_id}"


@dataclass(frozen=True)
class StaleChart:
    """A school that entered points on a measure before, with none for its last complete
    period: `last` is the period of its latest point."""

    measure: Measure
    school: School
    last: date

    @property
    def last_label(self) -> str:
        return period_label(self.measure.frequency, self.last)

    @property
    def path(self) -> str:
        return measure_school_path(self.measure.id, self.school.id)


@dataclass(frozen=True)
class NewSignal:
    """A run-chart signal of one school's chart that reaches into the window."""

    measure: Measure
    school: School
    said: Said

    def __getattr__(self, name: str) -> object:
        return getattr(self.said, name)

    @property
    def path(self) -> str:
        return measure_school_path(self.measure.id, self.school.id)


@dataclass(frozen=True)
class MeasureHealth:
    stale: list[StaleChart]
    signals: list[NewSignal]  # shifts, trends, runs: worse news first
    to_look_at: list[NewSignal]  # astronomical candidates: a person decides


def last_complete(frequency: str, today: date) -> date:
    """The first day of the last complete period: last week's Monday, last month's 1st
    (per-term measures have no calendar: see is_stale)."""
    if frequency == Frequency.WEEKLY.value:
        return today - timedelta(days=today.weekday() + 7)
    first = today.replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def is_stale(frequency: str, last: date, today: date) -> bool:
    """No point for the last complete period (per term: none for over 120 days)."""
    if frequency == Frequency.TERM.value:
        return today - last > TERM_STALE_AFTER
    return last < last_complete(frequency, today)


def _live_measures(user: Actor) -> sa.ColumnElement[bool]:
    return sa.and_(measures.visible_clause(user), Measure.archived_at.is_(None))


def _charts(user: Actor) -> sa.Select:
    return (
        sa.select(MeasureChart)
        .join(Measure, Measure.id == MeasureChart.measure_id)
        .where(_live_measures(user))
    )


def measure_health(user: Actor, first_day: date, today: date,
                   schools: list[School]) -> MeasureHealth:  # fmt: skip
    """Stale charts and the signals reaching into the window (from `first_day`) of every
    live measure the viewer may see. Two queries: the measures, their charts' summaries."""
    query = sa.select(Measure).where(_live_measures(user)).order_by(Measure.name, Measure.id)
    by_id = {m.id: m for m in db.session.scalars(query)}
    school_of = {s.id: s for s in schools}
    charts = list(db.session.scalars(_charts(user)))
    if chart_summaries.evaluate_pending(charts, by_id):
        charts = list(db.session.scalars(_charts(user)))
    stale, signals, to_look_at = [], [], []
    for chart in charts:
        measure, school = by_id[chart.measure_id], school_of[chart.school_id]
        if is_stale(measure.frequency, chart.last_period, today):
            stale.append(StaleChart(measure, school, chart.last_period))
        for each in chart_summaries.signals_of(chart):
            if each.ends >= first_day:
                item = NewSignal(measure, school, each)
                (to_look_at if each.candidate else signals).append(item)
    rank = {m: i for i, m in enumerate(by_id)}

    def order(item: StaleChart | NewSignal) -> tuple:
        return (rank[item.measure.id], item.school.name.lower())

    signals.sort(key=lambda s: (_NEWS_ORDER[s.said.news], *order(s)))
    return MeasureHealth(sorted(stale, key=order), signals, sorted(to_look_at, key=order))
