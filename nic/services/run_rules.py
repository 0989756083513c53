"""The IHI run chart rules over a series of values in time order.

A school's measure (attendance, on-track rate, referrals) is plotted month by
month with its median; the four rules of Perla, Provost and Murray (BMJ Qual
Saf 2011;20:46-51) say when the pattern is unlikely to be chance: a shift, a
trend, too few or too many runs, and an astronomical point. This module is
pure: lists of numbers in, frozen results out, no database and no Flask, so
the rules can be tested against hand-made series with known answers.

A value may be None (a missing period). It keeps its index in the output and
is skipped by every rule: it neither breaks nor lengthens a run or a trend.

The rules are direction-free. Whether a shift above the median is good news
depends on the measure's direction of improvement, which the caller knows;
every Signal carries its side or direction so the caller can tell.
See docs/improvement-science.md for each rule, its source and an example.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

# Perla, Provost and Murray suggest a median from 10 to 12 points before the
# rules are trusted, as IHI's own teaching does; 12 is also a school year of
# months, so the default baseline is the first 12 useful points of a phase.
BASELINE_LENGTH = 12
SHIFT_LENGTH = 6
TREND_LENGTH = 5
# Tukey's fences say little about a handful of points; below this a phase
# offers no astronomical candidates at all.
ASTRONOMICAL_MIN_POINTS = 8
# Tukey's "far out" fences: 3 interquartile ranges beyond the quartiles.
ASTRONOMICAL_FENCE = 3.0

# Perla, Provost and Murray 2011, Table 1: for N useful observations (points
# not on the median), fewer runs than the lower limit are "too few" and more
# than the upper limit are "too many". Outside 10..60 the rule is not
# evaluated (the table stops there, and this module does not extrapolate).
# The rows are as given in the issue; the printed article could not be consulted,
# so the table is unverified against it (tests/test_run_rules.py lists the 15
# rows where it differs from an exact Swed-Eisenhart computation).
RUNS_TABLE: dict[int, tuple[int, int]] = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12),
    15: (5, 12), 16: (5, 13), 17: (5, 13), 18: (6, 14), 19: (6, 15),
    20: (6, 16), 21: (7, 16), 22: (7, 17), 23: (7, 17), 24: (8, 18),
    25: (8, 18), 26: (9, 19), 27: (10, 19), 28: (10, 20), 29: (10, 20),
    30: (11, 21), 31: (11, 22), 32: (11, 23), 33: (12, 23), 34: (12, 24),
    35: (13, 24), 36: (13, 25), 37: (13, 25), 38: (14, 26), 39: (14, 26),
    40: (15, 27), 41: (15, 27), 42: (16, 28), 43: (16, 29), 44: (17, 29),
    45: (17, 30), 46: (17, 31), 47: (18, 31), 48: (18, 32), 49: (19, 32),
    50: (19, 33), 51: (20, 33), 52: (20, 34), 53: (21, 34), 54: (21, 35),
    55: (22, 35), 56: (22, 36), 57: (23, 36), 58: (23, 37), 59: (24, 38),
    60: (24, 38),
}  # fmt: skip


class Kind(StrEnum):
    """What a Signal is; the control chart kinds live here too so one describe() serves both."""

    SHIFT = "shift"
    TREND = "trend"
    TOO_FEW_RUNS = "too_few_runs"
    TOO_MANY_RUNS = "too_many_runs"
    ASTRONOMICAL = "astronomical"
    BEYOND_LIMITS = "beyond_limits"
    EIGHT_ON_ONE_SIDE = "eight_on_one_side"
    SIX_TREND = "six_trend"
    TWO_OF_THREE_OUTER = "two_of_three_outer"
    FIFTEEN_INNER = "fifteen_inner"
    MR_BEYOND_LIMIT = "mr_beyond_limit"


class Direction(StrEnum):
    """Which way a signal points: a side of the centre line, or the way a trend goes."""

    ABOVE = "above"
    BELOW = "below"
    UP = "up"
    DOWN = "down"


_TEMPLATES = {
    Kind.SHIFT: "Shift: {n} points {direction} the median",
    Kind.TREND: "Trend: {n} points going {direction}",
    Kind.TOO_FEW_RUNS: "Too few runs: {n} runs, fewer than chance would give",
    Kind.TOO_MANY_RUNS: "Too many runs: {n} runs, more than chance would give",
    Kind.ASTRONOMICAL: "Possible astronomical point, far {direction} the others: is it?",
    Kind.BEYOND_LIMITS: "Point {direction} the control limit",
    Kind.EIGHT_ON_ONE_SIDE: "{n} points in a row {direction} the centre line",
    Kind.SIX_TREND: "{n} points in a row going {direction}",
    Kind.TWO_OF_THREE_OUTER: "2 of 3 points in the outer third {direction} the centre line",
    Kind.FIFTEEN_INNER: "{n} points in a row close to the centre line",
    Kind.MR_BEYOND_LIMIT: "Moving range above its upper limit (a jump between two periods)",
}


@dataclass(frozen=True)
class Phase:
    """Where a phase starts and which points form its baseline.

    `baseline` is an inclusive-exclusive index range inside the phase; None
    means the first `baseline_length` useful points of the phase.
    """

    start: int
    baseline: tuple[int, int] | None = None


@dataclass(frozen=True)
class Signal:
    """One pattern the rules found, with the indices of the points that make it.

    For a shift, trend or control chart run: the points of the run. For too
    few or too many runs: the first point of each run (so len(indices) is the
    number of runs). For a single-point rule: that point. `candidate` is True
    when a person must decide (astronomical points).
    """

    kind: str
    indices: tuple[int, ...]
    direction: str | None = None
    candidate: bool = False

    @property
    def length(self) -> int:
        """How many points (or runs, for the runs rule) the signal counts."""
        return len(self.indices)

    def describe(self, label: Callable[[int], str] | None = None) -> str:
        """A sentence for a coach, e.g. "Shift: 7 points above the median since March".

        `label` turns a point index into a period name (the caller knows the
        dates); without it the sentence names no period. Raises ValueError for
        a kind this module does not know.
        """
        kind = Kind(self.kind)
        text = _TEMPLATES[kind].format(n=self.length, direction=self.direction)
        if label is None or not self.indices:
            return text
        first = label(self.indices[0])
        if kind in (Kind.TOO_FEW_RUNS, Kind.TOO_MANY_RUNS):
            # the indices start each run: the first is where the chart (phase) begins
            return f"{text}, in the chart from {first}"
        if len(self.indices) == 1:
            return f"{text}, at {first}"
        return f"{text}, since {first}"


@dataclass(frozen=True)
class RunsTest:
    """The runs count of one phase against the Perla-Provost-Murray table.

    `evaluated` is False (and the limits None) when the phase has fewer than
    10 or more than 60 useful observations.
    """

    useful: int
    runs: int
    lower: int | None
    upper: int | None
    evaluated: bool


@dataclass(frozen=True)
class PhaseResult:
    """A phase as evaluated: its points [start, end), its baseline range and median."""

    start: int
    end: int
    baseline: tuple[int, int]
    median: float | None


@dataclass(frozen=True)
class RunChart:
    """The centre line per point (None where the value is missing), the phases,
    every signal in index order, and one RunsTest per phase."""

    centre: tuple[float | None, ...]
    phases: tuple[PhaseResult, ...]
    signals: tuple[Signal, ...]
    runs: tuple[RunsTest, ...]


def check_values(values: Sequence[float | None], name: str = "values") -> list[float | None]:
    """The values as floats (None kept), refusing anything that is not a finite number.

    Raises ValueError naming the first bad index.
    """
    cleaned: list[float | None] = []
    for i, value in enumerate(values):
        if value is None:
            cleaned.append(None)
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name}[{i}] is not a number: {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{name}[{i}] is not a finite number: {value!r}")
        cleaned.append(float(value))
    return cleaned


def side_runs(
    points: Sequence[tuple[int, float, float]], *, break_on_centre: bool
) -> list[tuple[Direction, tuple[int, ...]]]:
    """The maximal runs of consecutive points on one side of their centre line.

    `points` are (index, value, centre) of the useful points in time order. A
    point exactly on its centre either is skipped (run charts: it neither
    counts nor breaks) or breaks the run (`break_on_centre`, control charts).
    Raises nothing.
    """
    runs: list[tuple[Direction, tuple[int, ...]]] = []
    side = Direction.ABOVE  # the side of `current`, read only while it holds points
    current: list[int] = []
    for index, value, centre in points:
        here = Direction.ABOVE if value > centre else Direction.BELOW if value < centre else None
        if here is None and not break_on_centre:
            continue
        if current and here != side:
            runs.append((side, tuple(current)))
            current = []
        if here is not None:
            side = here
            current.append(index)
    if current:
        runs.append((side, tuple(current)))
    return runs


def monotone_runs(
    points: Sequence[tuple[int, float]], *, collapse_ties: bool
) -> list[tuple[Direction, tuple[int, ...]]]:
    """The maximal runs of points going steadily up or steadily down.

    `points` are (index, value) of the useful points in time order. With
    `collapse_ties` a repeated value counts once (the first of the repeats is
    kept; the run is neither broken nor lengthened), as the IHI trend rule
    says; without it a tie ends the run, as the Shewhart trend rule is read
    here. Two runs meeting at a peak share the peak. Runs of one point are not
    returned. Raises nothing.
    """
    kept: list[tuple[int, float]] = []
    for index, value in points:
        if collapse_ties and kept and kept[-1][1] == value:
            continue
        kept.append((index, value))
    runs: list[tuple[Direction, tuple[int, ...]]] = []
    direction: Direction | None = None
    current: list[int] = []
    for (prev_index, prev), (index, value) in pairwise(kept):
        step = Direction.UP if value > prev else Direction.DOWN if value < prev else None
        if step != direction or step is None:
            if direction is not None:
                runs.append((direction, tuple(current)))
            current = [prev_index]
        direction = step
        current.append(index)
    if direction is not None:
        runs.append((direction, tuple(current)))
    return runs


def runs_limits(useful: int) -> tuple[int, int] | None:
    """The (lower, upper) limits for the number of runs, or None outside 10..60 useful points.

    Raises nothing.
    """
    return RUNS_TABLE.get(useful)


def evaluate_run_chart(
    values: Sequence[float | None],
    phases: Sequence[Phase] = (Phase(0),),
    baseline_length: int = BASELINE_LENGTH,
) -> RunChart:
    """Apply the four run chart rules to `values`, phase by phase.

    Each phase's median comes from its baseline only and is extended (frozen)
    over the rest of the phase; a re-base is a new Phase at a later index.
    An empty series gives an empty chart.

    Raises ValueError for a value that is not a finite number (or None), for
    phases that do not start at 0, are out of order or start past the end,
    for a baseline outside its phase or without a useful point, and for a
    baseline_length below 1.
    """
    cleaned = check_values(values)
    if isinstance(baseline_length, bool) or not isinstance(baseline_length, int):
        raise ValueError(f"baseline_length must be a whole number, not {baseline_length!r}")
    if baseline_length < 1:
        raise ValueError(f"baseline_length must be at least 1, not {baseline_length}")
    if not cleaned:
        return RunChart((), (), (), ())
    resolved = _resolve_phases(cleaned, phases, baseline_length)
    centre: list[float | None] = [None] * len(cleaned)
    signals: list[Signal] = []
    tests: list[RunsTest] = []
    for phase in resolved:
        points = [(i, cleaned[i]) for i in range(phase.start, phase.end) if cleaned[i] is not None]
        for i, _ in points:
            centre[i] = phase.median
        found, test = _phase_signals(points, phase.median)
        signals.extend(found)
        tests.append(test)
    signals.sort(key=lambda s: (s.indices[0] if s.indices else -1, s.kind))
    return RunChart(tuple(centre), tuple(resolved), tuple(signals), tuple(tests))


def _resolve_phases(
    values: list[float | None], phases: Sequence[Phase], baseline_length: int
) -> list[PhaseResult]:
    if not phases:
        raise ValueError("at least one phase is needed (Phase(0) for a single run chart)")
    if phases[0].start != 0:
        raise ValueError(f"the first phase must start at index 0, not {phases[0].start}")
    starts = [p.start for p in phases]
    for earlier, later in pairwise(starts):
        if later <= earlier:
            raise ValueError(f"phases must start in increasing order: {later} after {earlier}")
    if starts[-1] >= len(values):
        raise ValueError(f"a phase starts at {starts[-1]}, past the last index {len(values) - 1}")
    ends = [*starts[1:], len(values)]
    resolved = []
    for phase, end in zip(phases, ends, strict=True):
        useful = [i for i in range(phase.start, end) if values[i] is not None]
        if phase.baseline is None:
            chosen = useful[:baseline_length]
            baseline = (phase.start, chosen[-1] + 1 if chosen else phase.start)
        else:
            first, stop = phase.baseline
            if not phase.start <= first < stop <= end:
                raise ValueError(
                    f"baseline {phase.baseline} is not inside its phase [{phase.start}, {end})"
                )
            chosen = [i for i in useful if first <= i < stop]
            if not chosen:
                raise ValueError(f"baseline {phase.baseline} has no value to take a median of")
            baseline = (first, stop)
        median = float(statistics.median([values[i] for i in chosen])) if chosen else None
        resolved.append(PhaseResult(phase.start, end, baseline, median))
    return resolved


def _phase_signals(
    points: list[tuple[int, float]], median: float | None
) -> tuple[list[Signal], RunsTest]:
    if median is None:
        return [], RunsTest(0, 0, None, None, False)
    signals: list[Signal] = []
    runs = side_runs([(i, v, median) for i, v in points], break_on_centre=False)
    for side, indices in runs:
        if len(indices) >= SHIFT_LENGTH:
            signals.append(Signal(Kind.SHIFT, indices, side))
    for direction, indices in monotone_runs(points, collapse_ties=True):
        if len(indices) >= TREND_LENGTH:
            signals.append(Signal(Kind.TREND, indices, direction))
    useful = sum(len(indices) for _, indices in runs)
    limits = runs_limits(useful)
    firsts = tuple(indices[0] for _, indices in runs)
    if limits is None:
        test = RunsTest(useful, len(runs), None, None, False)
    else:
        test = RunsTest(useful, len(runs), limits[0], limits[1], True)
        if len(runs) < limits[0]:
            signals.append(Signal(Kind.TOO_FEW_RUNS, firsts))
        elif len(runs) > limits[1]:
            signals.append(Signal(Kind.TOO_MANY_RUNS, firsts))
    signals.extend(astronomical_candidates(points))
    return signals, test


def astronomical_candidates(points: Sequence[tuple[int, float]]) -> list[Signal]:
    """Points beyond Tukey's far-out fences (Q1 - 3 IQR, Q3 + 3 IQR), offered for a person to judge.

    `points` are (index, value) of one phase's useful points. Fewer than 8
    points, or an interquartile range of 0 (the fences would call any
    difference far), offer none. Quartiles are the inclusive (linear
    interpolation) quartiles of `statistics.quantiles`. Raises nothing.
    """
    if len(points) < ASTRONOMICAL_MIN_POINTS:
        return []
    q1, _, q3 = statistics.quantiles([v for _, v in points], n=4, method="inclusive")
    spread = q3 - q1
    if spread == 0:
        return []
    low, high = q1 - ASTRONOMICAL_FENCE * spread, q3 + ASTRONOMICAL_FENCE * spread
    found = []
    for index, value in points:
        if value > high:
            found.append(Signal(Kind.ASTRONOMICAL, (index,), Direction.ABOVE, candidate=True))
        elif value < low:
            found.append(Signal(Kind.ASTRONOMICAL, (index,), Direction.BELOW, candidate=True))
    return found
