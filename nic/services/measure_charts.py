"""A measure's charts: the periods laid out in time, the rules evaluated, the SVG drawn.

A chart reads one school's points, or the network's aggregate of every school's
(a percent or a rate weighted: the sum of the numerators over the sum of the
denominators; a count summed; an average the mean of the schools' values).
Periods are laid out on the measure's calendar from its first point to its
last (a week or a month with nothing entered is a gap, not a squeezed line;
per-term periods are the ones entered). The run chart's centre line is the
median of each phase's baseline (nic.services.run_rules); once a chart has
enough points (control_charts.MIN_POINTS) a control chart is drawn too: P for a
percent, U for a rate, XmR (with its moving-range chart) for a count or an
average. Each signal is said in words, with the period it starts at and whether
it is good news by the measure's direction of improvement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup

from nic.charts import ChartPoint, ChartSpec, render_chart
from nic.models import Measure, MeasurePhase, School, Unit
from nic.models.measures import Direction, Frequency, period_label
from nic.services import control_charts, run_rules
from nic.services.run_rules import Kind, Phase, Signal

# Control-chart signals drawn with a run-chart marker (the others are said in words).
_MARKS = {
    Kind.SHIFT: "shift", Kind.TREND: "trend", Kind.ASTRONOMICAL: "astronomical",
    Kind.BEYOND_LIMITS: "beyond_limits", Kind.EIGHT_ON_ONE_SIDE: "shift",
    Kind.SIX_TREND: "trend",
}  # fmt: skip
_UP = {"above", "up"}
# Signals that say the process changed, not which way is better.
_NEITHER = {Kind.TOO_FEW_RUNS, Kind.TOO_MANY_RUNS, Kind.FIFTEEN_INNER, Kind.MR_BEYOND_LIMIT}
_FORMATS = {"count": "count", "percent": "percent", "rate": "rate", "average": "average"}


@dataclass(frozen=True)
class Period:
    """One period of a chart: its first day, the value plotted and its parts, a note."""

    start: date
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    cycle_id: int | None = None


@dataclass(frozen=True)
class SignalView:
    kind: str
    indices: tuple[int, ...]
    direction: str | None  # "above"/"below" a line, "up"/"down" for trends
    text: str
    news: str | None  # "better", "worse" or None (neither: runs, astronomical candidates)
    candidate: bool


@dataclass(frozen=True)
class ChartView:
    """One chart as a page shows it: the SVG, its signals in words, the data behind it."""

    title: str
    school: School | None
    periods: tuple[Period, ...]
    labels: tuple[str, ...]
    run: run_rules.RunChart
    signals: tuple[SignalView, ...]
    svg: Markup
    control: control_charts.ControlChart | None = None
    control_signals: tuple[SignalView, ...] = ()
    control_svg: Markup | None = None
    moving_range_svg: Markup | None = None

    @property
    def useful(self) -> int:
        return sum(1 for p in self.periods if p.value is not None)

    @property
    def latest(self) -> Period | None:
        return next((p for p in reversed(self.periods) if p.value is not None), None)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def calendar(frequency: str, starts: Sequence[date]) -> list[date]:
    """Every period from the first to the last of `starts` on the measure's calendar (the
    ones given, for per-term measures, whose terms are not evenly spaced)."""
    if not starts:
        return []
    first, last = min(starts), max(starts)
    if frequency == Frequency.TERM.value:
        return sorted(set(starts))
    days: list[date] = []
    day = first
    while day <= last:
        days.append(day)
        day = day + timedelta(days=7) if frequency == Frequency.WEEKLY.value else _next_month(day)
    return days


def aggregate(measure: Measure, points: Sequence[Any]) -> list[Period]:
    """The network's value per period, from every school's points of that period."""
    by_period: dict[date, list[Any]] = defaultdict(list)
    for point in points:
        by_period[point.period].append(point)
    found = []
    for start, some in sorted(by_period.items()):
        if measure.has_parts:
            top = sum(p.numerator or 0 for p in some)
            bottom = sum(p.denominator or 0 for p in some)
            scale = 100.0 if measure.unit == Unit.PERCENT.value else measure.rate_per
            found.append(Period(start, top / bottom * scale, top, bottom))
        elif measure.unit == Unit.COUNT.value:
            found.append(Period(start, sum(p.value for p in some)))
        else:
            found.append(Period(start, sum(p.value for p in some) / len(some)))
    return found


def of_points(points: Sequence[Any]) -> list[Period]:
    """Periods of one school's points (MeasurePoint rows, or Core rows of their columns)."""
    return [Period(p.period, p.value, p.numerator, p.denominator, p.note, p.cycle_id)
            for p in points]  # fmt: skip


def period_labels(frequency: str, days: Sequence[date]) -> tuple[str, ...]:
    return tuple(period_label(frequency, day) for day in days)


def _laid_out(periods: Sequence[Period], days: Sequence[date]) -> list[Period]:
    by_start = {p.start: p for p in periods}
    return [by_start.get(day, Period(day, None)) for day in days]


def _phases(days: Sequence[date], phases: Sequence[MeasurePhase]) -> list[Phase]:
    """The run_rules phases of a chart's rows: each starts at its first period on or after
    `starts_on`; its baseline runs to `baseline_until` when set."""
    found = [Phase(0)]
    for row in sorted(phases, key=lambda r: r.starts_on):
        start = next((i for i, d in enumerate(days) if d >= row.starts_on), None)
        if start is None or (start == 0 and row.baseline_until is None):
            continue
        end = None
        if row.baseline_until is not None:
            end = max((i for i, d in enumerate(days) if d <= row.baseline_until), default=start)
            end = max(end, start) + 1
        phase = Phase(start, (start, end) if end is not None else None)
        found = [p for p in found if p.start < start] + [phase]
    # A baseline ends where the next phase begins (a re-base inside a chosen baseline).
    return [
        Phase(p.start, (p.baseline[0], min(p.baseline[1], after.start)))
        if p.baseline is not None and after is not None else p
        for p, after in zip(found, [*found[1:], None], strict=True)
    ]  # fmt: skip


def _news(measure: Measure, signal: Signal) -> str | None:
    if signal.candidate or signal.direction is None or signal.kind in _NEITHER:
        return None
    higher = signal.direction in _UP
    return "better" if higher == (measure.direction == Direction.UP.value) else "worse"


def _said(measure: Measure, signals: Sequence[Signal], label: Callable[[int], str]) -> tuple:
    return tuple(
        SignalView(
            s.kind, s.indices, s.direction, s.describe(label), _news(measure, s), s.candidate
        )
        for s in signals
    )


def _chart_points(periods: Sequence[Period], labels: Sequence[str], signals: Sequence[Signal],
                  notes: dict[int, str], scale: float = 1.0) -> tuple[ChartPoint, ...]:  # fmt: skip
    marks: dict[int, set[str]] = defaultdict(set)
    for signal in signals:
        if signal.kind in _MARKS:
            for index in signal.indices:
                marks[index].add(_MARKS[Kind(signal.kind)])
    return tuple(
        ChartPoint(labels[i], None if p.value is None else p.value * scale,
                   p.note or notes.get(p.cycle_id or 0) or None, frozenset(marks[i]))
        for i, p in enumerate(periods)
    )  # fmt: skip


def _spec(measure: Measure, title: str, points: tuple[ChartPoint, ...], centre: Sequence,
          size: str, prefix: str, **extra: object) -> ChartSpec:  # fmt: skip
    # The y axis fits the points, centre and goal (a percent is not stretched to 0-100%:
    # a chronic-absence rate moving between 18% and 24% would read as a flat line).
    return ChartSpec(
        title, points, tuple(centre), goal=measure.goal, value_format=_FORMATS[measure.unit],  # type: ignore[arg-type]
        size=size, id_prefix=prefix, **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def _evaluate(
    measure: Measure, periods: Sequence[Period], days: Sequence[date],
    phases: Sequence[MeasurePhase],
) -> tuple[list[Period], run_rules.RunChart]:  # fmt: skip
    laid = _laid_out(periods, days)
    values = [p.value for p in laid]
    return laid, run_rules.evaluate_run_chart(values, _phases(days, phases),
                                              measure.baseline_points)  # fmt: skip


def chart_signals(
    measure: Measure, periods: Sequence[Period], days: Sequence[date],
    phases: Sequence[MeasurePhase] = (),
) -> tuple[list[Period], run_rules.RunChart, tuple[SignalView, ...]]:  # fmt: skip
    """The run chart's rules as build_chart evaluates them, without drawing the SVG (for
    lists of hundreds of charts): the periods laid out, the run chart, its signals in
    words (only the periods a signal names are labelled)."""
    laid, run = _evaluate(measure, periods, days, phases)

    def label(index: int) -> str:
        return period_label(measure.frequency, laid[index].start)

    return laid, run, _said(measure, run.signals, label)


def build_chart(
    measure: Measure,
    title: str,
    school: School | None,
    periods: Sequence[Period],
    days: Sequence[date],
    phases: Sequence[MeasurePhase] = (),
    *,
    size: str = "full",
    prefix: str = "chart",
    notes: dict[int, str] | None = None,
    labels: Sequence[str] | None = None,
) -> ChartView:
    """One chart of `periods` laid out over `days`: the run chart with its rules, and the
    control chart once there are enough points (full size only). `notes` names the PDSA
    cycles points are annotated with (only those the viewer may see)."""
    notes = notes or {}
    laid, run = _evaluate(measure, periods, days, phases)
    labels = tuple(labels) if labels is not None else period_labels(measure.frequency, days)
    values = [p.value for p in laid]
    svg = render_chart(_spec(measure, title, _chart_points(laid, labels, run.signals, notes),
                             run.centre, size, prefix))  # fmt: skip
    said = _said(measure, run.signals, labels.__getitem__)
    view = ChartView(title, school, tuple(laid), labels, run, said, svg)
    useful = sum(1 for v in values if v is not None)
    if size != "full" or not control_charts.can_chart(useful):
        return view
    return _with_control(measure, view, laid, labels, notes, prefix)


def _with_control(
    measure: Measure, view: ChartView, laid: Sequence[Period], labels: tuple[str, ...],
    notes: dict[int, str], prefix: str,
) -> ChartView:  # fmt: skip
    scale = 1.0
    if measure.unit == Unit.PERCENT.value:
        chart = control_charts.p_chart([p.numerator for p in laid], [p.denominator for p in laid])
        scale, kind = 100.0, "P chart"
    elif measure.unit == Unit.RATE.value:
        chart = control_charts.u_chart([p.numerator for p in laid], [p.denominator for p in laid])
        scale, kind = measure.rate_per, "U chart"
    else:
        chart = control_charts.xmr_chart([p.value for p in laid])
        kind = "XmR chart"

    def scaled(series: Sequence[float | None]) -> tuple[float | None, ...]:
        return tuple(None if v is None else v * scale for v in series)

    points = _chart_points(laid, labels, chart.signals, notes, 1.0)
    svg = render_chart(_spec(measure, f"{view.title}: {kind}", points, scaled(chart.centre),
                             "full", f"{prefix}-control", upper=scaled(chart.upper),
                             lower=scaled(chart.lower), centre_label="Mean"))  # fmt: skip
    moving = None
    if chart.moving_ranges is not None:
        flagged = {i for s in chart.signals if s.kind == Kind.MR_BEYOND_LIMIT for i in s.indices}
        ranges = tuple(
            ChartPoint(labels[i], v, None, frozenset({"beyond_limits"} if i in flagged else ()))
            for i, v in enumerate(chart.moving_ranges)
        )
        centre = [chart.mr_centre if v is not None else None for v in chart.moving_ranges]
        upper = tuple(chart.mr_upper if v is not None else None for v in chart.moving_ranges)
        moving = render_chart(ChartSpec(
            f"{view.title}: moving ranges", ranges, tuple(centre), upper=upper,
            value_format=_FORMATS[measure.unit], centre_label="Mean range",  # type: ignore[arg-type]
            id_prefix=f"{prefix}-mr", y_min=0.0,
        ))  # fmt: skip
    return ChartView(
        view.title, view.school, view.periods, view.labels, view.run, view.signals, view.svg,
        chart, _said(measure, chart.signals, labels.__getitem__), svg, moving,
    )  # fmt: skip
