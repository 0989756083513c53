"""Each school's run chart of a measure, summarised when it changes (MeasureChart).

The dashboard shows, for every live measure, the schools gone stale and the new signals
of every school's chart: 500 charts over 78,000 points at a network's size, seconds of
work if evaluated on each request (docs/BENCHMARKS.md). So a chart is evaluated when
what it depends on is written, in the writer's transaction: its points (save_batch,
delete_point), its phases (base_chart, remove_phase), the measure (update_measure). One
chart's evaluation is a few milliseconds; the dashboard then reads one row per chart.

A chart's signals depend only on its own points (the measure's calendar only adds empty
periods around or between them, which the rules skip), so a chart is evaluated on its
own periods. Rows with `signals` None (made by the migration from existing points) are
evaluated by the first reader (`evaluate_pending`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from nic.database import begin_write
from nic.extensions import db
from nic.models import Measure, MeasureChart, MeasurePhase, MeasurePoint
from nic.services.measure_charts import Period, calendar, chart_signals
from nic.services.run_rules import Kind

_RUNS = {Kind.TOO_FEW_RUNS.value, Kind.TOO_MANY_RUNS.value}


@dataclass(frozen=True)
class Said:
    """A chart's signal as kept: what it is, in words, and the period of its last point."""

    kind: str
    text: str
    news: str | None
    candidate: bool
    ends: date

    def stored(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "news": self.news,
                "candidate": self.candidate, "ends": self.ends.isoformat()}  # fmt: skip

    @classmethod
    def from_stored(cls, row: dict[str, Any]) -> Said:
        return cls(row["kind"], row["text"], row["news"], row["candidate"],
                   date.fromisoformat(row["ends"]))  # fmt: skip


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


def _of_schools(column: sa.ColumnElement, school_ids: list[int] | None) -> sa.ColumnElement:
    return sa.true() if school_ids is None else column.in_(school_ids)


def summarise(measure: Measure, school_ids: Iterable[int] | None = None) -> None:
    """Evaluate these schools' charts of `measure` again (None: every school's) and store
    them, in the caller's transaction (the caller commits).

    The measure's row is locked first (PostgreSQL; SQLite has one writer at a time), so
    two schools' teams saving at once are summarised one after the other, the second
    seeing the first's points."""
    db.session.flush()
    db.session.execute(sa.select(Measure.id).where(Measure.id == measure.id).with_for_update())
    schools = None if school_ids is None else sorted(set(school_ids))
    points = db.session.execute(
        sa.select(MeasurePoint.school_id, MeasurePoint.period, MeasurePoint.value,
                  MeasurePoint.numerator, MeasurePoint.denominator)
        .where(MeasurePoint.measure_id == measure.id,
               _of_schools(MeasurePoint.school_id, schools))
        .order_by(MeasurePoint.school_id, MeasurePoint.period)
    )  # fmt: skip
    periods: dict[int, list[Period]] = defaultdict(list)
    for row in points:
        periods[row.school_id].append(Period(row.period, row.value, row.numerator,
                                             row.denominator))  # fmt: skip
    phases: dict[int | None, list[MeasurePhase]] = defaultdict(list)
    for phase in db.session.scalars(
        sa.select(MeasurePhase)
        .where(MeasurePhase.measure_id == measure.id, MeasurePhase.school_id.is_not(None),
               _of_schools(MeasurePhase.school_id, schools))
        .order_by(MeasurePhase.starts_on, MeasurePhase.id)
    ):  # fmt: skip
        phases[phase.school_id].append(phase)
    db.session.execute(sa.delete(MeasureChart).where(
        MeasureChart.measure_id == measure.id,
        _of_schools(MeasureChart.school_id, schools),
    ))  # fmt: skip
    rows = [
        {"measure_id": measure.id, "school_id": school_id, "points": len(laid),
         "last_period": laid[-1].start,
         "signals": [s.stored() for s in evaluate(measure, laid, phases[school_id])]}
        for school_id, laid in periods.items()
    ]  # fmt: skip
    if rows:
        db.session.execute(sa.insert(MeasureChart), rows)


def signals_of(chart: MeasureChart) -> tuple[Said, ...]:
    return tuple(Said.from_stored(s) for s in chart.signals or ())


def evaluate_pending(charts: list[MeasureChart], by_id: dict[int, Measure]) -> bool:
    """Summarise the charts not evaluated yet (the migration's rows) and commit; False
    when there were none (then nothing is run)."""
    pending: dict[int, list[int]] = defaultdict(list)
    for chart in charts:
        if chart.signals is None:
            pending[chart.measure_id].append(chart.school_id)
    if not pending:
        return False
    begin_write()
    for measure_id, school_ids in pending.items():
        summarise(by_id[measure_id], school_ids)
    db.session.commit()
    return True
