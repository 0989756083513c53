"""The dashboard's measures: each live measure's schools gone stale, and the new signals
of every school's run chart.

A school's chart is evaluated without drawing it (measure_charts.chart_signals) and its
signals are kept, in this process, under the chart's version: its number of points, its
last period, when a point was last written, the measure's version and the chart's phases.
A request reads the versions (one grouped query) and evaluates only the charts that
changed since: reading 78,000 points and running the rules over 500 charts takes seconds,
far over the dashboard's budget (docs/BENCHMARKS.md). A chart's signals depend only on its
own points (the measure's calendar only adds empty periods around or between them, which
the rules skip), so a chart is evaluated on its own periods.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from nic.extensions import db
from nic.models import Measure, MeasurePhase, MeasurePoint, School
from nic.models.measures import Frequency
from nic.policy import Actor
from nic.services import measures
from nic.services.measure_charts import Period, calendar, chart_signals
from nic.services.measure_points import period_label
from nic.services.run_rules import Kind

TERM_STALE_AFTER = timedelta(days=120)
_NEWS_ORDER = {"worse": 0, "better": 1, None: 2}
_RUNS = {Kind.TOO_FEW_RUNS.value, Kind.TOO_MANY_RUNS.value}


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
class Said:
    """A chart's signal as kept: what it is, in words, and the period of its last point."""

    kind: str
    text: str
    news: str | None
    candidate: bool
    ends: date


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


def _versions(user: Actor) -> sa.Select:
    """Per chart (measure, school): its points, its last period, its last write."""
    return (
        sa.select(MeasurePoint.measure_id, MeasurePoint.school_id, sa.func.count(),
                  sa.func.max(MeasurePoint.period), sa.func.max(MeasurePoint.updated_at))
        .join(Measure, Measure.id == MeasurePoint.measure_id)
        .where(_live_measures(user))
        .group_by(MeasurePoint.measure_id, MeasurePoint.school_id)
    )  # fmt: skip


def _points(measure_ids: set[int]) -> sa.Select:
    """Plain rows, not ORM objects: tens of thousands of them."""
    return (
        sa.select(MeasurePoint.measure_id, MeasurePoint.school_id, MeasurePoint.period,
                  MeasurePoint.value, MeasurePoint.numerator, MeasurePoint.denominator)
        .where(MeasurePoint.measure_id.in_(measure_ids))
        .order_by(MeasurePoint.measure_id, MeasurePoint.school_id, MeasurePoint.period)
    )  # fmt: skip


def _phases(user: Actor) -> dict[tuple[int, int | None], list[MeasurePhase]]:
    query = sa.select(MeasurePhase).join(Measure, Measure.id == MeasurePhase.measure_id)
    found: dict[tuple[int, int | None], list[MeasurePhase]] = defaultdict(list)
    for row in db.session.scalars(query.where(_live_measures(user)).order_by(MeasurePhase.id)):
        found[(row.measure_id, row.school_id)].append(row)
    return found


def evaluate(measure: Measure, periods: list[Period],
             phases: list[MeasurePhase]) -> tuple[Said, ...]:  # fmt: skip
    """Every run-chart signal of one school's chart, each with the period of its last
    point (for the runs rules, whose indices start each run: its phase's last point)."""
    days = calendar(measure.frequency, [p.start for p in periods])
    laid, run, said = chart_signals(measure, periods, days, phases)
    found = []
    for raw, view in zip(run.signals, said, strict=True):
        last = raw.indices[-1]
        if raw.kind in _RUNS:
            phase = next(p for p in run.phases if p.start <= raw.indices[0] < p.end)
            last = max(i for i in range(phase.start, phase.end) if laid[i].value is not None)
        found.append(Said(view.kind, view.text, view.news, view.candidate, laid[last].start))
    return tuple(found)


# (measure id, school id) -> (the chart's version, its signals): see the module's docstring.
_evaluated: dict[tuple[int, int], tuple[tuple, tuple[Said, ...]]] = {}


def forget() -> None:
    """Drop every chart's kept signals (the benchmark's cold start)."""
    _evaluated.clear()


def _signals_of(charts: dict[tuple[int, int], tuple], by_id: dict[int, Measure],
                phases: dict) -> dict[tuple[int, int], tuple[Said, ...]]:  # fmt: skip
    """Each chart's signals, evaluating those whose version changed (one query for their
    points, always run, so the number of queries does not depend on what changed)."""
    changed = {key for key, version in charts.items()
               if _evaluated.get(key, ((),))[0] != version}  # fmt: skip
    loaded: dict[tuple[int, int], list[Period]] = defaultdict(list)
    for row in db.session.execute(_points({m for m, _s in changed})):
        key = (row.measure_id, row.school_id)
        if key in changed:
            loaded[key].append(Period(row.period, row.value, row.numerator, row.denominator))
    for key in changed:
        said = evaluate(by_id[key[0]], loaded[key], phases.get(key, []))
        _evaluated[key] = (charts[key], said)
    return {key: _evaluated[key][1] for key in charts}


def measure_health(user: Actor, first_day: date, today: date,
                   schools: list[School]) -> MeasureHealth:  # fmt: skip
    """Stale charts and the signals reaching into the window (from `first_day`) of every
    live measure the viewer may see. Four queries: the measures, the charts' versions,
    the phases, the points of the charts that changed."""
    query = sa.select(Measure).where(_live_measures(user)).order_by(Measure.name, Measure.id)
    by_id = {m.id: m for m in db.session.scalars(query)}
    school_of = {s.id: s for s in schools}
    phases = _phases(user)
    stale, charts, last_of = [], {}, {}
    for measure_id, school_id, count, last, written in db.session.execute(_versions(user)):
        measure = by_id[measure_id]
        if is_stale(measure.frequency, last, today):
            stale.append(StaleChart(measure, school_of[school_id], last))
        if last >= first_day:  # else nothing of this chart falls in the window
            signature = tuple((p.id, p.starts_on, p.baseline_until)
                              for p in phases.get((measure_id, school_id), []))  # fmt: skip
            version = (measure.version, measure.created_at, measure.updated_at, count, last,
                       written, signature)  # fmt: skip
            charts[(measure_id, school_id)] = version
            last_of[(measure_id, school_id)] = last
    signals, to_look_at = [], []
    for (measure_id, school_id), said in _signals_of(charts, by_id, phases).items():
        for each in said:
            if each.ends >= first_day:
                item = NewSignal(by_id[measure_id], school_of[school_id], each)
                (to_look_at if each.candidate else signals).append(item)
    rank = {m: i for i, m in enumerate(by_id)}

    def order(item: StaleChart | NewSignal) -> tuple:
        return (rank[item.measure.id], item.school.name.lower())

    signals.sort(key=lambda s: (_NEWS_ORDER[s.said.news], *order(s)))
    return MeasureHealth(sorted(stale, key=order), signals, sorted(to_look_at, key=order))
